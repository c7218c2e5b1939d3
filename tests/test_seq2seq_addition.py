"""seq2seq_addition at tiny sizes: the addition data, the model's backward, a short run."""

import json

import numpy as np
import pytest
from chainer import gradient_check

from experiments import seq2seq_addition
from netlib.datasets import addition
from netlib.errors import UsageError
from netlib.links.seq2seq import Seq2seq


def test_questions_are_distinct_and_drawn_as_keras_draws_them():
    pairs = addition.make_questions(3000, digits=3, seed=1)
    assert len({tuple(sorted(pair)) for pair in pairs}) == 3000  # a+b and b+a are one
    assert all(0 <= number <= 999 for pair in pairs for number in pair)
    lengths = [len(str(a)) for a, _ in pairs]
    assert {1, 2, 3} <= set(lengths)
    assert pairs == addition.make_questions(3000, digits=3, seed=1)


def test_questions_are_padded_reversed_and_answers_padded():
    x, t = addition.addition_arrays([(123, 45), (5, 7)], digits=3)
    assert [addition.decode(row) for row in x] == [' 54+321', '    7+5']
    assert [addition.decode(row) for row in t] == ['168 ', '12  ']
    plain, _ = addition.addition_arrays([(123, 45)], digits=3, reverse=False)
    assert addition.decode(plain[0]) == '123+45 '
    assert x.dtype == t.dtype == np.int32 and x.shape == (2, 7) and t.shape == (2, 4)


def test_more_questions_than_exist_are_refused():
    with pytest.raises(UsageError, match='distinct questions'):
        addition.make_questions(100, digits=1)  # 0..9 + 0..9: 55 distinct


def test_the_model_backward_passes_gradient_check():
    rng = np.random.RandomState(0)
    model = Seq2seq(n_vocab=5, n_units=3, n_embed=2)
    for param in model.params():
        param.array = param.array.astype(np.float64)
    x, t = rng.randint(0, 5, (2, 3)).astype(np.int32), rng.randint(0, 5, (2, 2)).astype(np.int32)
    params = tuple(model.params())
    gradient_check.check_backward(lambda: model(x, t), (), np.ones((), np.float64),
                                  params=params, dtype=np.float64, atol=1e-4, rtol=1e-3)


def test_translate_feeds_the_decoder_its_own_output():
    model = Seq2seq(n_vocab=len(addition.CHARS), n_units=8)
    x, t = addition.addition_arrays([(1, 2), (30, 4)])
    answers = model.translate(x, 4)
    assert answers.shape == (2, 4) and answers.dtype == x.dtype
    first = model.translate(x[:1], 4)  # each row's answer depends on that row alone
    np.testing.assert_array_equal(first, answers[:1])


def test_a_short_run(tmp_path, capsys):
    out = tmp_path / 'run'
    metrics = seq2seq_addition.main(['--epoch', '2', '--questions', '600', '--unit', '16',
                                     '--batchsize', '50', '--out', str(out), '--no-progress'])
    assert json.loads((out / 'metrics.json').read_text()) == metrics
    assert 0 <= metrics['test_accuracy'] <= metrics['test_accuracy_per_char'] <= 1
    assert metrics['keras_epochs_to_99'] == 100
    printed = capsys.readouterr().out
    assert 'right answers' in printed and 'wrong answers' in printed
    right, wrong = metrics['examples']['right answers'], metrics['examples']['wrong answers']
    assert len(right) == min(5, round(60 * metrics['test_accuracy'])) and len(wrong) <= 5
    assert all(line in printed for line in right + wrong)
    assert {'loss.png', 'accuracy.png'} <= {path.name for path in out.glob('*.png')}
