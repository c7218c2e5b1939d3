"""Issue 13's recurrent nets: each model's backward against numerical gradients, the
adding-problem generator, the n-gram baselines and bits per character, rnn_vs_lstm small."""

import math

import chainer
import chainer.functions as F
import chainer.links as L
import numpy as np
import pytest
from chainer import gradient_check

from netlib.datasets import text_stream
from netlib.datasets.adding import BASELINE_MSE, adding_problem
from netlib.errors import UsageError
from netlib.evaluation import language
from netlib.links.recurrent import CELLS, CharLM, SequenceRegressor, TanhRNN, start_state


def float64_model(make):
    np.random.seed(0)
    with chainer.using_config('dtype', np.float64):
        return make()


def check_backward(model, forward, inputs, output_shape):
    """Chainer's numerical gradient check of *forward* w.r.t. *inputs* and every parameter."""
    gy = np.random.RandomState(1).uniform(-1, 1, output_shape)
    params = [param for _, param in sorted(model.namedparams())]
    gradient_check.check_backward(forward, inputs, gy, params=params, eps=1e-6,
                                  atol=1e-5, rtol=1e-4)


def test_tanh_rnn_cell_backward_over_three_steps():
    cell = float64_model(lambda: TanhRNN(3, 4))
    x = np.random.RandomState(2).uniform(-1, 1, (2, 3, 3))

    def forward(x):
        cell.reset_state()
        return F.stack([cell(x[:, t]) for t in range(3)], axis=1)
    check_backward(cell, forward, x, (2, 3, 4))


@pytest.mark.parametrize('kind', CELLS)
def test_sequence_regressor_backward(kind):
    model = float64_model(lambda: SequenceRegressor(kind, 2, 5))
    x = adding_problem(3, 6, np.random.RandomState(3))[0].astype(np.float64)
    check_backward(model, model, x, (3, 1))


@pytest.mark.parametrize('kind', CELLS)
def test_char_lm_backward_through_a_truncated_window(kind):
    model = float64_model(lambda: CharLM(7, 4, kind))
    ids = np.random.RandomState(4).randint(0, 7, (2, 5)).astype(np.int32)

    def forward():  # the scores of every step, the state carried from step to step
        model.start_state(2)
        return model.window(ids.T)
    params = [param for _, param in sorted(model.namedparams())]
    gradient_check.check_backward(forward, (), np.random.RandomState(5).uniform(-1, 1, (10, 7)),
                                  params=params, eps=1e-6, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize('kind', CELLS)
def test_a_zero_start_state_is_no_state(kind):
    cell = L.LSTM(3, 4) if kind == 'lstm' else TanhRNN(3, 4)
    x = np.random.RandomState(6).uniform(-1, 1, (2, 3)).astype(np.float32)
    cell.reset_state()
    fresh = cell(x).array
    start_state(cell, 2)
    np.testing.assert_array_equal(cell(x).array, fresh)


def test_adding_problem_marks_one_value_in_each_half_and_sums_them():
    x, t = adding_problem(500, 9, np.random.RandomState(7))
    assert x.shape == (500, 9, 2) and t.shape == (500, 1)
    assert x.dtype == t.dtype == np.float32
    values, markers = x[..., 0], x[..., 1]
    assert ((values >= 0) & (values < 1)).all()
    assert (markers.sum(axis=1) == 2).all() and set(np.unique(markers)) == {0, 1}
    assert (markers[:, :4].sum(axis=1) == 1).all()  # one in the first half (9 // 2 steps)
    np.testing.assert_allclose(t[:, 0], (values * markers).sum(axis=1), rtol=1e-6)


def test_answering_one_scores_the_baseline():
    _, t = adding_problem(200_000, 4, np.random.RandomState(8))
    assert float(((t - 1) ** 2).mean()) == pytest.approx(BASELINE_MSE, rel=0.01)


def test_adding_problem_is_seeded_and_needs_two_steps():
    a, b = (adding_problem(3, 5, np.random.RandomState(9)) for _ in range(2))
    np.testing.assert_array_equal(a[0], b[0])
    with pytest.raises(UsageError, match='at least 2 steps'):
        adding_problem(3, 1)


def test_ngram_baselines():
    uniform = np.arange(4000, dtype=np.int32) % 4
    assert language.ngram_bits(uniform, uniform, 4, 1) == pytest.approx(2.0, abs=1e-3)
    # 0 1 2 3 0 1 ...: the previous character decides the next one
    assert language.ngram_bits(uniform, uniform, 4, 2) < 0.01
    assert language.ngram_bits(uniform, uniform, 8, 1) > 2.0  # unseen characters keep mass


def test_bits_per_character_of_an_untrained_model_is_near_log2_vocabulary():
    np.random.seed(0)
    model = CharLM(16, 8, 'lstm')
    for param in model.out.params():
        param.array[...] = 0  # every character equally likely
    ids = np.random.RandomState(10).randint(0, 16, 400).astype(np.int32)
    assert language.bits_per_character(model, ids, 4) == pytest.approx(4.0, abs=1e-5)


def test_stream_batches_follow_the_text():
    ids = np.arange(100, dtype=np.int32)
    starts = text_stream.stream_starts(100, 4)
    x, t = text_stream.stream_window(ids, starts, 3)
    assert x.tolist() == [[3, 28, 53, 78]] and t.tolist() == [[4, 29, 54, 79]]
    x, t = text_stream.stream_window(ids, starts, 98, 3)
    assert x[:, 0].tolist() == [98, 99, 0] and t[:, 0].tolist() == [99, 0, 1]  # wraps
    assert x[:, 1].tolist() == [23, 24, 25]


@pytest.mark.parametrize('kind', CELLS)
def test_a_window_is_its_steps_one_by_one(kind):
    np.random.seed(0)
    model = CharLM(7, 4, kind)
    xs = np.random.RandomState(11).randint(0, 7, (5, 3)).astype(np.int32)
    model.start_state(3)
    stepped = np.concatenate([model(x).array for x in xs])
    model.start_state(3)
    np.testing.assert_allclose(model.window(xs).array, stepped, rtol=1e-6, atol=1e-7)


def test_sampling_is_seeded_and_in_the_vocabulary():
    np.random.seed(0)
    model = CharLM(3, 4)
    texts = [language.sample(model, ['a', 'b', 'c'], 'ab', 20, 0.5, np.random.RandomState(1))
             for _ in range(2)]
    assert texts[0] == texts[1] and len(texts[0]) == 22 and set(texts[0]) <= set('abc')


def test_rnn_vs_lstm_small(tmp_path):
    from experiments import rnn_vs_lstm
    metrics = rnn_vs_lstm.main(['--lengths', '3,12', '--iteration', '100', '--batchsize',
                                '32', '--test-size', '200', '--out', str(tmp_path / 'run'),
                                '--no-progress'])
    assert metrics['baseline_mse'] == pytest.approx(1 / 6)
    for kind in CELLS:
        assert len(metrics[f'{kind}_grad_norms']) == 12
        assert all(math.isfinite(value) for value in metrics[f'{kind}_grad_norms'])
    assert metrics['rnn_short_test_mse'] < BASELINE_MSE / 2  # T = 3 is learnt by both
    assert metrics['lstm_short_test_mse'] < BASELINE_MSE / 2
    assert {path.name for path in (tmp_path / 'run').glob('*.png')} == {
        'loss.png', 'mse_vs_length.png', 'gradient_vs_step.png'}
