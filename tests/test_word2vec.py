"""word2vec at tiny sizes: the evaluation sets, the scores, the model's backward, a short run."""

import json

import chainer
import numpy as np
import pytest
from chainer import gradient_check

from experiments import word2vec
from netlib import kernels
from netlib.datasets import text as text_files
from netlib.datasets import wordsim
from netlib.errors import DataError
from netlib.datasets.word_windows import vocabulary, windows
from netlib.evaluation.word_vectors import (analogy_score, neighbour_overlap, ranks,
                                            similarity_score, spearman)
from netlib.links.word2vec import SkipGram


def test_the_evaluation_sets_gensim_ships():
    similarity, analogies = wordsim.evaluation_sets()
    assert len(similarity['wordsim353']) == 353 and len(similarity['simlex999']) == 999
    assert similarity['wordsim353'][0] == ('love', 'sex', 6.77)
    assert analogies['capital-common-countries'][0] == ('athens', 'greece', 'baghdad', 'iraq')
    assert sum(map(len, analogies.values())) == 19544 and len(analogies) == 14


def test_the_lee_corpus_is_cut_as_gensims_simple_preprocess_cuts_it():
    sentences = text_files.load_sentences()
    assert len(sentences) == 300 and sum(map(len, sentences)) == 58152
    assert sentences[0][:4] == ['hundreds', 'of', 'people', 'have']
    assert text_files.tokenize("It's 4:00pm, A x_y über-cool") == ['it', 'pm', 'über', 'cool']


@pytest.mark.parametrize('content, message', [(b'12 34\n5 _ 6\n', 'holds no words'),
                                              (b'', 'empty'),
                                              (b'\xff\xfe\x00binary', 'binary file')])
def test_a_text_without_words_is_refused(tmp_path, content, message):
    path = tmp_path / 'text'
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        text_files.load_sentences(path)
    with pytest.raises(DataError, match='no such file'):
        text_files.load_sentences(tmp_path / 'missing')


def test_spearman_matches_scipy_with_ties():
    stats = pytest.importorskip('scipy.stats')
    rng = np.random.RandomState(0)
    a, b = rng.randint(0, 5, 40), rng.rand(40)
    np.testing.assert_allclose(ranks(a), stats.rankdata(a))
    assert spearman(a, b) == pytest.approx(stats.spearmanr(a, b)[0])


def test_scores_on_vectors_built_to_answer():
    index = {word: i for i, word in enumerate(['king', 'queen', 'man', 'woman', 'cat'])}
    vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [5, -5, -5]], np.float32)
    assert analogy_score(vectors, index, [('man', 'king', 'woman', 'queen'),
                                          ('man', 'king', 'woman', 'dog')]) == (1.0, 1)
    pairs = [('king', 'queen', 2.0), ('man', 'woman', 0.0), ('king', 'man', 3.0),
             ('cat', 'dog', 9.0)]
    score, covered = similarity_score(vectors, index, pairs)
    assert covered == 3 and score == pytest.approx(1.0)
    assert neighbour_overlap(vectors, vectors * 2, k=2) == 1.0


def test_windows_stay_inside_sentences_and_skip_rare_words():
    words, counts = vocabulary([['a', 'b', 'a', 'rare'], ['b', 'a']], min_count=2)
    assert words == ['a', 'b'] and counts.tolist() == [3, 2]
    centres, contexts = windows([['a', 'b', 'a', 'rare'], ['b', 'a']], {'a': 0, 'b': 1}, 1)
    assert centres.tolist() == [0, 1, 0, 1, 0]
    assert contexts.tolist() == [[-1, 1], [0, 0], [1, -1], [-1, 0], [1, -1]]


@pytest.mark.parametrize('kernel', ['chainer', 'fast'])
def test_the_model_backward_passes_gradient_check(kernel):
    kernels.use(kernel)
    model = SkipGram(np.array([5, 3, 2, 1], np.int32), n_units=3, negative=2)
    rng = np.random.RandomState(0)
    for param in model.params():
        param.array = rng.uniform(-1, 1, param.shape)
    centre, contexts = np.array([0, 2], np.int32), np.array([[1, -1], [3, 0]], np.int32)

    def loss():
        np.random.seed(1)  # the same negatives at every evaluation
        return model(centre, contexts)
    gradient_check.check_backward(loss, (), np.ones((), np.float64),
                                  params=tuple(model.params()), dtype=np.float64,
                                  atol=1e-4, rtol=1e-3)


def test_the_fast_loss_equals_chainers():
    counts = np.array([9, 5, 3, 2, 1], np.int32)
    centre = np.array([0, 1, 4], np.int32)
    contexts = np.array([[1, 2], [-1, 0], [3, 1]], np.int32)
    results = []
    for kernel in ('chainer', 'fast'):
        kernels.use(kernel)
        np.random.seed(0)
        model = SkipGram(counts, n_units=4, negative=3)
        model.loss_func.W.array[:] = np.random.uniform(-1, 1, model.loss_func.W.shape)
        np.random.seed(1)
        loss = model(centre, contexts)
        model.cleargrads()
        loss.backward()
        results.append((loss.array, model.embed.W.grad, model.loss_func.W.grad))
    for chainers, fast in zip(*results):
        np.testing.assert_allclose(fast, chainers, rtol=1e-5, atol=1e-6)


def test_a_short_run(tmp_path, capsys):
    out = tmp_path / 'run'
    text = tmp_path / 'text.txt'
    lee = text_files.load_text()[0].splitlines()
    text.write_text('\n'.join(lee[:20]), encoding='utf-8')
    metrics = word2vec.main(['--text', str(text), '--epoch', '1', '--unit', '10',
                             '--repeats', '2', '--out', str(out), '--no-progress'])
    assert json.loads((out / 'metrics.json').read_text()) == metrics
    assert len(metrics['netlib_simlex999_per_seed']) == 2
    assert 0 <= metrics['overlap_netlib_gensim'] <= 1
    printed = capsys.readouterr().out
    assert 'nearest 5 (netlib' in printed and 'nearest 5 (gensim' in printed
    assert set(metrics['nearest_words']) == {'netlib, seed 0', 'gensim, seed 0'}
    assert all(line in printed for lines in metrics['nearest_words'].values() for line in lines)
    assert {'loss.png', 'scores.png'} <= {path.name for path in out.glob('*.png')}


def test_a_killed_run_resumes_to_the_same_vectors(tmp_path, monkeypatch):
    text = tmp_path / 'text.txt'
    lee = text_files.load_text()[0].splitlines()
    text.write_text('\n'.join(lee[:20]), encoding='utf-8')
    common = ['--text', str(text), '--unit', '10', '--repeats', '2', '--epoch', '2',
              '--no-progress']
    whole = word2vec.main([*common, '--out', str(tmp_path / 'whole')])
    index = {word: i for i, word in enumerate(vocabulary(text_files.load_sentences(text), 5)[0])}
    per_epoch = -(-len(windows(text_files.load_sentences(text), index, 5)[0]) // 100)
    updates, update = [], word2vec.steps.update

    def killed_in_epoch_2(optimizer, loss):
        updates.append(1)
        if len(updates) > 2 * per_epoch + 3:  # both seeds' first epoch, then a few updates
            raise KeyboardInterrupt
        update(optimizer, loss)
    monkeypatch.setattr(word2vec.steps, 'update', killed_in_epoch_2)
    with pytest.raises(KeyboardInterrupt):
        word2vec.main([*common, '--out', str(tmp_path / 'cut')])
    monkeypatch.setattr(word2vec.steps, 'update', update)
    resumed = word2vec.main([*common, '--out', str(tmp_path / 'cut'), '--resume'])
    for key in ('netlib_simlex999_per_seed', 'overlap_netlib_gensim', 'overlap_netlib_netlib'):
        assert resumed[key] == whole[key]


def test_without_gensim_one_line_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(text_files.importlib.util, 'find_spec', lambda name: None)
    with pytest.raises(DataError, match=r"gensim, which is not installed.*pip install"):
        wordsim.evaluation_sets()


def test_a_missing_text_is_refused_in_one_line_without_a_run_folder(run, tmp_path):
    out = tmp_path / 'run'
    result = run('experiments.word2vec', '--text', tmp_path / 'missing.txt', '--out', out)
    assert result.returncode == 2 and not out.exists()
    assert len(result.stderr.strip().splitlines()) == 1 and 'no such file' in result.stderr
