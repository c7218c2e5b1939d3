"""``F.convolution_2d`` for stride 1 and no padding on the CPU, by blocks of a few images.

Chainer's CPU convolution spends most of its time in ``numpy.tensordot``, which
copies the im2col buffer (N, C, kh, kw, oh, ow) into a transposed layout before
its matrix product and returns a non-contiguous output that every later function
copies again.  Here a compiled loop (:func:`netlib.kernels.compiled.im2col`) builds
the columns of a few images in the layout one matrix product wants, so that the
buffer stays in cache.  The values are Chainer's to float32 rounding (the sums run
in another order: ``tests/test_fast.py``); every other case (GPU arrays, stride,
padding, dilation, groups) goes to Chainer's own function.
"""

import numpy as np
from chainer import function_node
from chainer.functions.connection.convolution_2d import convolution_2d as chainer_convolution_2d

from netlib.kernels import compiled
from netlib.kernels.arrays import on_cpu

# Images per block.  The columns of a whole batch (85 MB for the Keras CNN's second
# layer) would stream through main memory three times; those of 4 images (2.7 MB)
# stay in cache between im2col, the matrix product and col2im.  Both convolutions
# forward and backward, by block size: whole batch ~90 ms, 32 images 67, 16 63,
# 8 59, 4 56, 2 57 (Chainer's: 144).
IMAGES_PER_BLOCK = 4


def _blocks(n):
    return [slice(start, start + IMAGES_PER_BLOCK) for start in range(0, n, IMAGES_PER_BLOCK)]


def _im2col(x, kh, kw):
    """(c*kh*kw, n*oh*ow) columns of a stride-1, unpadded convolution of n images."""
    n, c, h, w = x.shape
    col = np.empty((c * kh * kw, n, (h - kh + 1) * (w - kw + 1)), dtype=x.dtype)
    compiled.im2col(np.ascontiguousarray(x), kh, kw, col)
    return col.reshape(c * kh * kw, -1)


class _Convolution2D(function_node.FunctionNode):
    """Stride 1, no padding: y = W (oc, c*kh*kw) @ col (c*kh*kw, n*oh*ow) + b, by blocks."""

    def forward_cpu(self, inputs):
        x, W = inputs[:2]
        self.retain_inputs((0, 1))
        oc = W.shape[0]
        bias = inputs[2] if len(inputs) == 3 else np.zeros(oc, dtype=x.dtype)
        y = np.empty((len(x), oc, *_out_size(x, W)), dtype=x.dtype)
        for block in _blocks(len(x)):
            rows = W.reshape(oc, -1) @ _im2col(x[block], *W.shape[2:])
            compiled.channels_first(rows.reshape(oc, len(y[block]), -1), bias, y[block])
        return y,

    def backward(self, indexes, grad_outputs):
        x, W = self.get_retained_inputs()
        return _Convolution2DGrad(indexes).apply((x, W, grad_outputs[0]))


class _Convolution2DGrad(function_node.FunctionNode):
    """Gradients of :class:`_Convolution2D` (no double back-propagation)."""

    def __init__(self, indexes):
        self.indexes = indexes

    def forward_cpu(self, inputs):
        x, W, gy = inputs
        oc, _, kh, kw = W.shape
        gx = np.zeros(x.shape, dtype=x.dtype) if 0 in self.indexes else None
        gW = np.zeros((oc, W[0].size), dtype=W.dtype) if 1 in self.indexes else None
        for block in _blocks(len(x)):
            images = len(x[block])
            # The block's gradient as (oc, images, oh*ow): the columns' order.
            g = np.ascontiguousarray(gy[block].reshape(images, oc, -1).swapaxes(0, 1))
            if gx is not None:
                gcol = W.reshape(oc, -1).T @ g.reshape(oc, -1)
                compiled.im2col(gx[block], kh, kw, gcol.reshape(-1, images, g.shape[2]), back=True)
            if gW is not None:
                gW += g.reshape(oc, -1) @ _im2col(x[block], kh, kw).T
        grads = {0: gx, 1: None if gW is None else gW.reshape(W.shape),
                 2: _sum_per_channel(gy) if 2 in self.indexes else None}
        return tuple(grads[index] for index in self.indexes)


def _sum_per_channel(gy):
    """gy (n, c, h, w) summed over all but c, as a matrix-vector product."""
    # NumPy's sum over axes 0, 2, 3 is slow: 0.82 -> 0.15 ms for the Keras CNN's second layer.
    n, c = gy.shape[:2]
    per_image = gy.reshape(n * c, -1) @ np.ones(gy.shape[2] * gy.shape[3], dtype=gy.dtype)
    return per_image.reshape(n, c).sum(axis=0)


def _out_size(x, W):
    return x.shape[2] - W.shape[2] + 1, x.shape[3] - W.shape[3] + 1


def convolution_2d(x, W, b=None, stride=1, pad=0, cover_all=False, **kwargs):
    """``F.convolution_2d``, by blocks of images for stride 1 and no padding on the CPU."""
    arrays = [getattr(a, 'array', a) for a in (x, W)]
    plain = (stride in (1, (1, 1)) and pad in (0, (0, 0)) and kwargs.get('dilate', 1) in (1, (1, 1))
             and kwargs.get('groups', 1) == 1 and arrays[1] is not None and on_cpu(*arrays))
    if not plain:
        return chainer_convolution_2d(x, W, b, stride, pad, cover_all, **kwargs)
    inputs = (x, W) if b is None else (x, W, b)
    return _Convolution2D().apply(inputs)[0]
