"""The graph-free test-mode functions give Chainer's numbers bit for bit, and step aside
whenever a graph is wanted."""

import chainer
import chainer.functions as F
import numpy as np
import pytest
from chainer.functions.activation.sigmoid import sigmoid as chainer_sigmoid
from chainer.functions.activation.softmax import softmax as chainer_softmax
from chainer.functions.connection.linear import linear as chainer_linear

from netlib import kernels
from netlib.kernels import no_graph

RANDOM = np.random.RandomState(0)


def arrays(*shapes, dtype=np.float32):
    return [RANDOM.standard_normal(shape).astype(dtype) for shape in shapes]


def same(ours, chainers):
    """Both Variables hold bit-identical arrays of one dtype."""
    assert ours.array.dtype == chainers.array.dtype
    np.testing.assert_array_equal(ours.array, chainers.array)


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('x_shape', [(100, 784), (1, 784), (7, 4, 14, 14)])
def test_linear_is_chainers_product_without_a_node(x_shape, dtype):
    x, W, b = arrays(x_shape, (50, 784), (50,), dtype=dtype)
    with chainer.no_backprop_mode():
        same(no_graph.linear(x, W, b), chainer_linear(x, W, b))
        same(no_graph.linear(x, chainer.Parameter(W)), chainer_linear(x, W))


def test_linear_of_a_strided_view_is_chainers():
    x, W = arrays((784, 3), (10, 784))
    with chainer.no_backprop_mode():
        same(no_graph.linear(x.T[:1], W), chainer_linear(x.T[:1], W))


@pytest.mark.parametrize('name, chainers', [('sigmoid', chainer_sigmoid),
                                            ('softmax', chainer_softmax),
                                            ('relu', F.relu)])
def test_activations_are_chainers_forward(name, chainers):
    x, = arrays((100, 50))
    with chainer.no_backprop_mode():
        same(getattr(no_graph, name)(x), chainers(x))


def test_with_backprop_on_the_graph_is_built_by_the_fallback():
    x, W, b = arrays((5, 3), (4, 3), (4,))
    y = no_graph.softmax(no_graph.sigmoid(no_graph.linear(chainer.Variable(x), W, b)))
    assert y.creator is not None  # so backward works
    y.grad = np.ones_like(y.array)
    y.backward()


def test_mixed_dtypes_go_to_chainer(monkeypatch):
    x, = arrays((2, 3), dtype=np.float64)
    W, = arrays((4, 3))
    calls = []
    monkeypatch.setattr(no_graph, 'chainer_linear', lambda *args: calls.append(args))
    with chainer.no_backprop_mode():
        no_graph.linear(x, W)
    assert len(calls) == 1


def test_fast_kernels_route_links_and_functions_through_it():
    from chainer.functions.connection import linear as linear_module
    with kernels.using('fast'):
        assert linear_module.linear is no_graph.linear and F.sigmoid is no_graph.sigmoid
    with kernels.using('chainer'):
        assert linear_module.linear is chainer_linear and F.softmax is chainer_softmax
