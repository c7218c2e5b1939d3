"""Forward passes with backprop off, without Chainer's graph machinery: inference's kernels.

Under ``chainer.no_backprop_mode()`` a Chainer function still builds a
FunctionNode, checks its input types and wraps its output, which costs more
than the arithmetic of one image through a small net.  These functions run the
very NumPy expressions of Chainer's CPU forward (so the numbers are Chainer's,
bit for bit: ``tests/test_no_graph.py``) and return a plain Variable.  With
backprop on, on a GPU, or for any case they do not cover, the *fallback*
(Chainer's function, or :func:`netlib.kernels.relu.relu`) runs.
"""

import functools

import chainer
import numpy as np
from chainer import utils
from chainer.functions.activation.sigmoid import sigmoid as chainer_sigmoid
from chainer.functions.activation.softmax import softmax as chainer_softmax
from chainer.functions.connection.linear import linear as chainer_linear

from netlib.kernels.relu import relu as relu_with_graph


# A Chainer function costs about 25 us a call under no_backprop_mode, where one image
# through the book's 784-50-100-10 net is a few: its per-image loop over the 10,000
# test images took 1.16 s with Chainer's functions, 0.33 s with these.
def _plain(*values):
    """The CPU arrays of *values* (Variables or arrays; None stays None) when no graph is
    built and they share one float dtype; None otherwise."""
    if chainer.config.enable_backprop:
        return None
    arrays = [value.array if isinstance(value, chainer.Variable) else value
              for value in values]
    first = arrays[0]
    if type(first) is not np.ndarray or first.dtype.kind != 'f':
        return None
    for array in arrays[1:]:
        if array is not None and (type(array) is not np.ndarray or array.dtype != first.dtype):
            return None
    return arrays


def _variable(array):
    """A Variable holding *array*, made as Chainer makes its functions' outputs."""
    # Not the public constructor, which parses keyword arguments: 1.4 us against 0.7.
    return chainer.Variable._init_unchecked(array, requires_grad=False)


def linear(x, W, b=None, n_batch_axes=1):
    """``F.linear``: y = x W^T + b, as ``LinearFunction.forward`` computes it."""
    arrays = _plain(x, W, b)
    if arrays is None or n_batch_axes != 1:
        return chainer_linear(x, W, b, n_batch_axes)
    x, W, b = arrays
    if x.ndim > 2:
        x = x.reshape(len(x), -1)
    if not (x.flags.c_contiguous or x.flags.f_contiguous) and 1 in x.shape:
        x = np.ascontiguousarray(x)  # as Chainer: NumPy's dot refuses some such views
    y = np.empty((x.shape[0], W.shape[0]), dtype=x.dtype)
    np.dot(x, W.T, out=y)
    if b is not None:
        y += b
    return _variable(y)


def _one_input(fallback):
    """A kernel of one input: *forward* on its plain array, else *fallback* on the input."""
    def wrap(forward):
        @functools.wraps(forward)
        def kernel(x, *args, **kwargs):
            arrays = _plain(x)
            if arrays is None:
                return fallback(x, *args, **kwargs)
            return _variable(forward(arrays[0], *args, **kwargs))
        return kernel
    return wrap


@_one_input(chainer_sigmoid)
def sigmoid(x):
    """``F.sigmoid``: tanh(x / 2) / 2 + 1/2, as Chainer's CPU forward."""
    half = x.dtype.type(0.5)
    return utils.force_array(np.tanh(x * half) * half + half)


@_one_input(chainer_softmax)
def softmax(x, axis=1):
    """``F.softmax``: exp(x - max) / sum, as Chainer's CPU forward."""
    y = x - x.max(axis=axis, keepdims=True)
    np.exp(y, out=y)
    y /= y.sum(axis=axis, keepdims=True)
    return y


@_one_input(relu_with_graph)
def relu(x):
    """``F.relu``: max(x, 0); with backprop on, :func:`netlib.kernels.relu.relu`."""
    return utils.force_array(np.maximum(x, 0, dtype=x.dtype))
