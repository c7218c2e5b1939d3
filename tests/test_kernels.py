"""--kernels: the fast and the Chainer set give the same numbers, switched in one place."""

import chainer
import chainer.functions as F
import numpy as np
import pytest

from netlib import Classifier, kernels, MLP, optimizers
from netlib.kernels import convolution_2d, no_graph
from netlib.links.convnets import KerasMnistCNN


def forward_backward(model, x, t):
    """The loss, the scores and every gradient after one backward pass."""
    model.cleargrads()
    loss = model(x, t)
    loss.backward()
    return [loss.array, model.y.array] + [p.grad for _, p in sorted(model.namedparams())]


def under(name, make_model, x, t, train=True):
    np.random.seed(0)  # the same initial weights under both sets
    model = make_model()
    with kernels.using(name), chainer.using_config('train', train):
        return forward_backward(model, x, t)


def test_use_swaps_chainers_functions_and_puts_them_back():
    with kernels.using('fast'):
        assert F.relu is no_graph.relu and F.convolution_2d is convolution_2d.convolution_2d
        assert optimizers.registry()['Adam'] is kernels.optimizers.Adam
    assert F.relu is kernels.CHAINER['relu'] and kernels.chosen() == 'chainer'
    assert optimizers.registry()['Adam'] is chainer.optimizers.Adam


def test_keras_cnn_gives_the_same_numbers_with_both_sets():
    """Test mode (no dropout draws): convolution sums in another order, float32 tolerance."""
    rng = np.random.RandomState(5)
    x, t = rng.rand(6, 1, 28, 28).astype('f'), rng.randint(0, 10, 6).astype('i')
    results = [under(name, lambda: Classifier(KerasMnistCNN()), x, t, train=False)
               for name in kernels.NAMES]
    for ours, chainers in zip(*results):
        np.testing.assert_allclose(ours, chainers, rtol=1e-4, atol=1e-6)


def test_mlp_training_is_bit_identical_with_both_sets():
    """ReLU and the fused Adam do Chainer's arithmetic: three updates, not a bit apart."""
    rng = np.random.RandomState(6)
    x, t = rng.rand(16, 20).astype('f'), rng.randint(0, 3, 16).astype('i')
    weights = []
    for name in kernels.NAMES:
        np.random.seed(0)
        model = Classifier(MLP((20, 30, 3)))
        with kernels.using(name):
            optimizer = optimizers.setup(optimizers.create('adam'), model)
            for _ in range(3):
                model.cleargrads()
                model(x, t).backward()
                optimizer.update()
        weights.append([p.array.copy() for _, p in sorted(model.namedparams())])
    for ours, chainers in zip(*weights):
        np.testing.assert_array_equal(ours, chainers)


@pytest.mark.parametrize('name', kernels.NAMES)
def test_the_cli_flag_chooses_the_set(name, tmp_path):
    from experiments import steps_regression
    steps_regression.main(['--kernels', name, '--out', str(tmp_path / 'run')])
    assert '"kernels": "' + name in (tmp_path / 'run' / 'args').read_text()


def test_blas_threads_holds_inside_the_block_and_restores_after():
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [pool['num_threads'] for pool in threadpool_info() if pool['user_api'] == 'blas']

    before = blas_threads()
    with kernels.blas_threads(1):
        assert set(blas_threads()) == {1}
    assert blas_threads() == before
