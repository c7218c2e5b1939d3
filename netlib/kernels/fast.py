"""CPU kernels for the layers where Chainer's NumPy path is measurably slow.

Measured on the 2-core machine, Keras MNIST CNN, batch 128 (one training
iteration, forward + backward + AdaDelta):

* ``F.convolution_2d`` spends most of its time in ``numpy.tensordot``, which
  copies the im2col buffer (N, C, kh, kw, oh, ow) into a transposed layout
  before its matrix product and returns a non-contiguous output that every
  later function copies again.  :func:`convolution_2d` builds the columns
  of a few images with a compiled loop in the layout one matrix product
  wants, so that the buffer stays in cache
  (``IMAGES_PER_BLOCK``): forward and backward of the Keras CNN's two
  convolutions take 56 ms where Chainer's take 144.
* ``F.max_pooling_2d`` builds a second im2col buffer and an argmax over it
  (11.4 ms forward and backward); :func:`max_pooling_2d` is one compiled
  pass each way that keeps which corner won as one byte (3.2 ms).
* Chainer's ``Adam`` and ``AdaDelta`` make a temporary array per operation:
  an update of the 784-1000-1000-10 MLP takes 4.4 and 4.0 ms.
  :class:`Adam` and :class:`AdaDelta` do the same float32 arithmetic in one
  compiled pass (0.8 ms each), bit for bit.

The compiled loops are in :mod:`netlib.kernels.compiled`.  Everything here computes
the same values as Chainer's functions (``tests/test_fast.py`` checks them
against Chainer to float32 tolerance and with ``gradient_check``); any case
they do not cover (GPU arrays, stride, padding, dilation, groups, odd sizes,
other dtypes) goes to Chainer's own code.
"""

import chainer
import numpy as np
from chainer import function_node, optimizers, utils
from chainer.functions.activation.relu import relu as chainer_relu
from chainer.functions.connection.convolution_2d import convolution_2d as chainer_convolution_2d
from chainer.functions.connection.embed_id import EmbedIDFunction, EmbedIDGrad
from chainer.functions.connection.embed_id import embed_id as chainer_embed_id
from chainer.functions.noise.dropout import dropout as chainer_dropout
from chainer.functions.pooling.max_pooling_nd import max_pooling_2d as chainer_max_pooling_2d
from chainer.optimizers.ada_delta import AdaDeltaRule
from chainer.optimizers.adam import AdamRule

from netlib.kernels import compiled


def _is_cpu(*arrays):
    return all(isinstance(a, np.ndarray) for a in arrays)


# Images per block of the convolution.  The columns of a whole batch (85 MB
# for the Keras CNN's second layer) would stream through main memory three
# times; those of 4 images (2.7 MB) stay in cache between im2col, the matrix
# product and col2im.  Both convolutions forward and backward, by block size:
# whole batch ~90 ms, 32 images 67, 16 63, 8 59, 4 56, 2 57.
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
    """gy (n, c, h, w) summed over all but c, as a matrix-vector product: 0.82 -> 0.15 ms
    for the second convolution of the Keras CNN (NumPy's sum over axes 0, 2, 3 is slow)."""
    n, c = gy.shape[:2]
    per_image = gy.reshape(n * c, -1) @ np.ones(gy.shape[2] * gy.shape[3], dtype=gy.dtype)
    return per_image.reshape(n, c).sum(axis=0)


def _out_size(x, W):
    return x.shape[2] - W.shape[2] + 1, x.shape[3] - W.shape[3] + 1


def convolution_2d(x, W, b=None, stride=1, pad=0, cover_all=False, **kwargs):
    """``F.convolution_2d``, by blocks of images for stride 1 and no padding on the CPU."""
    arrays = [getattr(a, 'array', a) for a in (x, W)]
    plain = (stride in (1, (1, 1)) and pad in (0, (0, 0)) and kwargs.get('dilate', 1) in (1, (1, 1))
             and kwargs.get('groups', 1) == 1 and arrays[1] is not None and _is_cpu(*arrays))
    if not plain:
        return chainer_convolution_2d(x, W, b, stride, pad, cover_all, **kwargs)
    inputs = (x, W) if b is None else (x, W, b)
    return _Convolution2D().apply(inputs)[0]


class _ReLU(function_node.FunctionNode):
    """max(x, 0) as Chainer computes it, with a compiled backward pass.

    Chainer's backward, gy * (y > 0), multiplies by a boolean array, which
    NumPy casts to float on the way: 2.3 ms for the Keras CNN's ReLUs per
    iteration, 0.6 ms in one compiled pass.
    """

    def forward_cpu(self, inputs):
        self.retain_outputs((0,))
        return utils.force_array(np.maximum(inputs[0], 0, dtype=inputs[0].dtype)),

    def backward(self, indexes, grad_outputs):
        return _ReLUGrad(self.get_retained_outputs()[0].array).apply(grad_outputs)


class _ReLUGrad(function_node.FunctionNode):

    def __init__(self, y):
        self.y = y

    def forward_cpu(self, inputs):
        gy = np.ascontiguousarray(inputs[0])
        gx = np.empty_like(gy)
        compiled.relu_grad(*_flat(self.y, gy, gx))
        return gx,

    def backward(self, indexes, grad_outputs):
        return _ReLUGrad(self.y).apply(grad_outputs)


def relu(x):
    """``F.relu(x)``, with a faster backward pass for float arrays on the CPU."""
    array = getattr(x, 'array', x)
    if _is_cpu(array) and array.dtype in (np.float32, np.float64):
        return _ReLU().apply((x,))[0]
    return chainer_relu(x)


class _EmbedIDGrad(EmbedIDGrad):
    """Chainer's, with its scatter-add (a Python loop adding one row of gy at a time, in
    order) as one compiled pass of the same float32 additions in the same order:
    0.54 -> 0.01 ms for seq2seq's 128 x 7 characters, bit for bit."""

    def forward(self, inputs):
        self.retain_inputs((0,))
        x, gy = inputs
        self._gy_shape = gy.shape
        gW = np.zeros(self.w_shape, dtype=gy.dtype)
        compiled.add_rows(gW, x.ravel(), gy.reshape(x.size, -1))
        return gW,


class _EmbedID(EmbedIDFunction):

    def backward(self, indexes, grad_outputs):
        gW = _EmbedIDGrad(self._w_shape).apply(self.get_retained_inputs() + grad_outputs)[0]
        return None, gW


def embed_id(x, W, ignore_label=None):
    """``F.embed_id``, with a compiled backward pass on the CPU when no label is ignored."""
    if ignore_label is not None or not _is_cpu(getattr(x, 'array', x), getattr(W, 'array', W)):
        return chainer_embed_id(x, W, ignore_label)
    return _EmbedID().apply((x, W))[0]


class _MaxPooling2x2(function_node.FunctionNode):
    """2x2 max pooling, stride 2, of even-sized images."""

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
            and not return_indices and _is_cpu(array)
            and array.dtype in (np.float32, np.float64) and array.ndim == 4
            and array.shape[2] % 2 == 0 and array.shape[3] % 2 == 0):
        return _MaxPooling2x2().apply((x,))[0]
    return chainer_max_pooling_2d(x, ksize, stride, pad, cover_all, return_indices)


class _DropoutMask(function_node.FunctionNode):
    """x * mask, the mask being *scale* where a draw >= *threshold* and 0 elsewhere.

    Linear in x, so its gradient is the same mask applied to gy.
    """

    def __init__(self, draws, threshold, scale):
        self.draws, self.threshold, self.scale = draws, threshold, scale

    def forward_cpu(self, inputs):
        x = np.ascontiguousarray(inputs[0])
        y = np.empty_like(x)
        compiled.dropout_mask(x.reshape(-1), self.draws, self.threshold, self.scale,
                             y.reshape(-1))
        return y,

    def backward(self, indexes, grad_outputs):
        return _DropoutMask(self.draws, self.threshold, self.scale).apply(grad_outputs)


# One random byte per element decides: Chainer draws a float64 per element
# (np.random.rand), 5.1 of the Keras CNN's ~100 ms per iteration; bytes from
# the same global RandomState (so seeds and snapshots still cover them) take
# a quarter of the generator's work.  Exact for ratios in steps of 1/256.
DRAW_LEVELS = 256


def dropout(x, ratio=.5, **kwargs):
    """``F.dropout(x, ratio)`` with byte-sized random draws where *ratio* is k/256.

    Each element is kept (and scaled by 1 / (1 - ratio), as Chainer does)
    with probability exactly 1 - ratio; the masks differ from Chainer's
    because the random numbers are drawn differently.
    """
    array = getattr(x, 'array', x)
    threshold = ratio * DRAW_LEVELS
    if (not chainer.config.train or not _is_cpu(array)
            or array.dtype not in (np.float32, np.float64) or not threshold.is_integer()
            or kwargs):
        return chainer_dropout(x, ratio, **kwargs)
    draws = np.frombuffer(np.random.bytes(array.size), dtype=np.uint8)
    scale = array.dtype.type(1 / (1 - ratio))
    return _DropoutMask(draws, int(threshold), scale).apply((x,))[0]


class _FusedAdamRule(AdamRule):
    """AdamRule whose CPU update is one compiled pass (:func:`netlib.kernels.compiled.adam_update`).

    The same operations in the same order as Chainer's ``update_core_cpu``
    (so the same float32 results); cases it does not cover (AMSGrad,
    AdaBound, weight decay, eta != 1, other dtypes) go to Chainer's code.
    """

    def update_core_cpu(self, param):
        hp, grad = self.hyperparam, param.grad
        if (grad is None or hp.amsgrad or hp.adabound or hp.weight_decay_rate != 0
                or hp.eta != 1 or not _all_float32(param.array, grad)):
            return super().update_core_cpu(param)
        self._check_eps(np.float32)
        compiled.adam_update(*_flat(param.array, grad, self.state['m'], self.state['v']),
                            *map(np.float32, (1 - hp.beta1, 1 - hp.beta2, self.alpha_t, hp.eps)))


class Adam(optimizers.Adam):
    """``chainer.optimizers.Adam`` with the fused CPU update; same results."""

    def create_update_rule(self):
        return _FusedAdamRule(self.hyperparam)


class _FusedAdaDeltaRule(AdaDeltaRule):
    """AdaDeltaRule whose CPU update is one compiled pass; same float32 results."""

    def update_core_cpu(self, param):
        hp, grad = self.hyperparam, param.grad
        if grad is None or not _all_float32(param.array, grad):
            return super().update_core_cpu(param)
        compiled.ada_delta_update(*_flat(param.array, grad, self.state['msg'], self.state['msdx']),
                                 *map(np.float32, (hp.rho, 1 - hp.rho, hp.eps)))


class AdaDelta(optimizers.AdaDelta):
    """``chainer.optimizers.AdaDelta`` with the fused CPU update; same results."""

    def create_update_rule(self):
        return _FusedAdaDeltaRule(self.hyperparam)


def _all_float32(*arrays):
    return all(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in arrays)


def _flat(*arrays):
    """1-D views of C-contiguous arrays (the loops update them in place)."""
    return [a.reshape(-1) for a in arrays]
