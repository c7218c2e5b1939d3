import argparse
import copy

import numpy as np
import pytest

from experiments import optimizer_compare
from experiments.optimizer_compare import START
from netlib import optimizers
from netlib.device import get_device
from netlib.errors import UsageError
from netlib.networks import MLP
from netlib.seed import set_seed

# Where Chainer's optimizers end after 30 steps from (-7, 2), computed once.
PATH_ENDS = {
    'SGD': (-0.3503929957523195, 0.0847823165504322),
    'MomentumSGD': (0.8964138584937322, 0.08808560171506971),
    'AdaGrad': (-0.12016225468634455, 2.486384688590262e-17),
    'Adam': (0.13601391672004542, 0.31824538830810956),
}


@pytest.fixture(scope='module')
def paths():
    return optimizer_compare.book_paths()


@pytest.fixture(scope='module')
def short_run(data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp('optimizer_compare') / 'run'
    metrics = optimizer_compare.main(['--iterations', '50', '--data-dir', str(data_dir),
                                      '--out', str(out)])
    return out, metrics


def test_path_ends(paths):
    for name, end in PATH_ENDS.items():
        np.testing.assert_allclose(paths[name][-1], end, rtol=1e-9, atol=1e-15)


def test_paths_are_what_the_book_draws(paths):
    assert all(len(path) == 31 and tuple(path[0]) == START for path in paths.values())
    assert all(np.hypot(*path[-1]) < np.hypot(*START) / 5 for path in paths.values())
    # SGD at lr 0.95 overshoots the steep y direction: y = 2 * (-0.9)**k.
    np.testing.assert_allclose(paths['SGD'][:, 1], 2 * (-0.9) ** np.arange(31))
    # AdaGrad's first step in y is lr * sign(g) = 1.5; y then shrinks to 0.
    assert paths['AdaGrad'][1, 1] == pytest.approx(0.5)
    assert abs(paths['AdaGrad'][-1, 1]) < 1e-12
    # Momentum overshoots the minimum in x.
    assert paths['MomentumSGD'][:, 0].max() > 0


def book_adam(lr=0.3, beta1=0.9, beta2=0.999, eps=1e-7, steps=30):
    """The book's hand-written Adam (common/optimizer.py) on the bowl, for comparison."""
    point, m, v, path = np.array(START), np.zeros(2), np.zeros(2), [np.array(START)]
    for t in range(1, steps + 1):
        grad = np.array([point[0] / 10, 2 * point[1]])
        lr_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        m += (1 - beta1) * (grad - m)
        v += (1 - beta2) * (grad ** 2 - v)
        point = point - lr_t * m / (np.sqrt(v) + eps)
        path.append(point)
    return np.array(path)


def test_chainer_adam_is_the_books_adam_up_to_eps(paths):
    same_eps = optimizer_compare.descend(optimizers.create('adam', 0.3, ['eps=1e-7']))
    np.testing.assert_allclose(same_eps, book_adam(), rtol=1e-12, atol=1e-12)
    assert np.abs(paths['Adam'] - book_adam()).max() < 1e-5  # Chainer's eps is 1e-8


def test_every_optimizer_lowers_the_mnist_loss(short_run):
    _, metrics = short_run
    assert metrics['checkpoints'] == [0, 12, 25, 38, 50]
    assert set(metrics['loss_table']) == {'SGD', 'Momentum', 'AdaGrad', 'Adam'}
    for name, losses in metrics['loss_table'].items():
        assert losses[-1] < losses[0]
        assert metrics[f'final_loss_{name}'] == losses[-1]
    # every net starts from the same weights and sees the same first minibatch
    assert len({losses[0] for losses in metrics['loss_table'].values()}) == 1


def test_run_folder(short_run):
    out, metrics = short_run
    assert sorted(p.name for p in out.iterdir()) == ['args', 'metrics.json',
                                                     'mnist_loss.png', 'paths.png']
    assert metrics['path_end']['Momentum'] == list(PATH_ENDS['MomentumSGD'])


def test_every_optimizer_sees_the_same_minibatches():
    """Two SGD nets from the same weights stay identical only if their batches are."""
    set_seed(0)
    model = MLP((784, 10))
    trainees = {name: optimizers.setup(optimizers.create('sgd', 0.1), copy.deepcopy(model))
                for name in ('a', 'b')}
    rng = np.random.RandomState(1)
    x, t = rng.rand(64, 784).astype(np.float32), rng.randint(0, 10, 64).astype(np.int32)
    args = argparse.Namespace(iterations=5, batchsize=8)
    losses = optimizer_compare.train_mnist(trainees, x, t, args, get_device('-1'))
    assert len(losses['a']) == 6 and losses['a'] == losses['b']


def test_optimizer_list():
    assert optimizer_compare.parse_optimizer_list('sgd,Adam,RMSprop') == [
        'SGD', 'Adam', 'RMSprop']
    with pytest.raises(UsageError, match='SGD more than once'):
        optimizer_compare.parse_optimizer_list('sgd,SGD')


def test_smoothing_keeps_length_and_constants():
    smoothed = optimizer_compare.smooth_curve(np.full(30, 0.5))
    assert smoothed.shape == (30,)
    np.testing.assert_allclose(smoothed, 0.5)


def test_unknown_optimizer_is_one_line_and_exit_2(run, tmp_path):
    result = run('experiments.optimizer_compare', '--optimizers', 'sgd,bogus',
                 '--out', tmp_path / 'run')
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "unknown optimizer 'bogus'" in result.stderr
    assert not (tmp_path / 'run').exists()
