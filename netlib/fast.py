"""CPU kernels for the layers where Chainer's NumPy path is measurably slow.

Measured on the 2-core machine, Keras MNIST CNN, batch 128 (one training
iteration, forward + backward + AdaDelta):

* ``F.convolution_2d`` spends most of its time in ``numpy.tensordot``, which
  copies the im2col buffer (N, C, kh, kw, oh, ow) into a transposed layout
  before its matrix product and returns a non-contiguous output that every
  later function copies again.  :func:`convolution_2d` keeps the im2col
  layout and multiplies per image with ``numpy.matmul`` (one BLAS call per
  image, no copies): see the figures in ``bench/README.md``.
* ``F.max_pooling_2d`` builds a second im2col buffer and an argmax over it;
  :func:`max_pooling_2x2` takes the maximum of four strided views.
* Chainer's ``Adam`` allocates six temporaries per parameter and update
  (7.3 ms per update of the 784-1000-1000-10 MLP); :class:`Adam` does the
  same arithmetic in place in one reused buffer (4.9 ms), bit for bit.

Both compute the same values as Chainer's functions (``tests/test_fast.py``
checks them against Chainer to float32 tolerance and with
``gradient_check``); any case they do not cover (GPU arrays, stride, padding,
dilation, groups, odd sizes) goes to Chainer's own function.
"""

import ctypes

import chainer.functions as F
import chainer.links as L
import numpy as np
from chainer import function_node, optimizers
from chainer.optimizers.adam import AdamRule
from chainer.utils import conv


def reuse_freed_memory():
    """Keep freed memory in the process instead of returning it to the system.

    glibc serves every allocation above 32 MB (the im2col buffer of the Keras
    CNN is 85 MB) with a fresh mmap, and each of its pages faults on first
    touch: copying into a fresh 85 MB buffer took 125 ms where a reused one
    took 7 ms.  With mmap off and no trimming, a training loop's buffers come
    back from the heap already mapped: one Keras-CNN iteration went from
    616 ms to 463 ms with Chainer's own convolution (2 cores, measured under
    load).  The cost is memory the process keeps until it exits.  Only glibc
    has ``mallopt``; elsewhere this does nothing.
    """
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_max = -1, -4
    return bool(mallopt(m_mmap_max, 0)) and bool(mallopt(m_trim_threshold, 2 ** 31 - 1))


def _is_cpu(*arrays):
    return all(isinstance(a, np.ndarray) for a in arrays)


class _Convolution2D(function_node.FunctionNode):
    """Stride 1, no padding: y[n] = W (oc, c*kh*kw) @ col[n] (c*kh*kw, oh*ow)."""

    def forward_cpu(self, inputs):
        x, W = inputs[:2]
        self.retain_inputs((0, 1))
        n, oc, (kh, kw) = x.shape[0], W.shape[0], W.shape[2:]
        col = conv.im2col_cpu(x, kh, kw, 1, 1, 0, 0)
        out_h, out_w = col.shape[4:]
        self.col = col.reshape(n, -1, out_h * out_w)  # kept for the weight gradient
        y = np.matmul(W.reshape(oc, -1), self.col)
        if len(inputs) == 3:
            y += inputs[2][:, None]
        return y.reshape(n, oc, out_h, out_w),

    def backward(self, indexes, grad_outputs):
        x, W = self.get_retained_inputs()
        return _Convolution2DGrad(indexes, self.col).apply((x, W, grad_outputs[0]))


class _Convolution2DGrad(function_node.FunctionNode):
    """Gradients of :class:`_Convolution2D` (no double back-propagation)."""

    def __init__(self, indexes, col):
        self.indexes, self.col = indexes, col

    def forward_cpu(self, inputs):
        x, W, gy = inputs
        n, c, h, w = x.shape
        oc, _, kh, kw = W.shape
        gy = gy.reshape(n, oc, -1)
        grads = []
        if 0 in self.indexes:
            gcol = np.matmul(W.reshape(oc, -1).T, gy)
            gcol = gcol.reshape(n, c, kh, kw, *_out_size(x, W))
            grads.append(conv.col2im_cpu(gcol, 1, 1, 0, 0, h, w))
        if 1 in self.indexes:
            per_image = np.matmul(gy, self.col.transpose(0, 2, 1))
            grads.append(per_image.sum(axis=0).reshape(W.shape))
        if 2 in self.indexes:
            grads.append(gy.sum(axis=(0, 2)))
        return tuple(grads)


def _out_size(x, W):
    return x.shape[2] - W.shape[2] + 1, x.shape[3] - W.shape[3] + 1


def convolution_2d(x, W, b=None):
    """``F.convolution_2d(x, W, b)`` with stride 1 and no padding."""
    inputs = (x, W) if b is None else (x, W, b)
    return _Convolution2D().apply(inputs)[0]


class Convolution2D(L.Convolution2D):
    """``L.Convolution2D`` that takes :func:`convolution_2d` where it applies."""

    def forward(self, x):
        array = getattr(x, 'array', x)
        plain = (self.stride == (1, 1) and self.pad == (0, 0) and self.dilate == (1, 1)
                 and self.groups == 1)
        if plain and self.W.array is not None and _is_cpu(array, self.W.array):
            return convolution_2d(x, self.W, self.b)
        return super().forward(x)


class _MaxPooling2x2(function_node.FunctionNode):
    """2x2 max pooling, stride 2, of even-sized images."""

    def forward_cpu(self, inputs):
        x, = inputs
        corners = _corners(x)
        y = np.maximum(np.maximum(corners[0], corners[1]), np.maximum(corners[2], corners[3]))
        # Which corner won, first in row-major order on ties (as Chainer's argmax).
        self.winner = np.full(y.shape, 3, dtype=np.int8)
        for index in (2, 1, 0):
            self.winner[corners[index] == y] = index
        self.shape = x.shape
        return y,

    def backward(self, indexes, grad_outputs):
        return _MaxPooling2x2Grad(self.winner, self.shape).apply(grad_outputs)


class _MaxPooling2x2Grad(function_node.FunctionNode):

    def __init__(self, winner, shape):
        self.winner, self.shape = winner, shape

    def forward_cpu(self, inputs):
        gy, = inputs
        gx = np.zeros(self.shape, dtype=gy.dtype)
        for index, corner in enumerate(_corners(gx)):
            np.copyto(corner, gy, where=self.winner == index)
        return gx,


def _corners(x):
    """The four 2x2-window positions of *x* as strided views (row-major order)."""
    return (x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2], x[:, :, 1::2, 0::2], x[:, :, 1::2, 1::2])


def max_pooling_2x2(x):
    """``F.max_pooling_2d(x, 2)``, faster on the CPU for even-sized images."""
    array = getattr(x, 'array', x)
    if _is_cpu(array) and array.ndim == 4 and array.shape[2] % 2 == 0 \
            and array.shape[3] % 2 == 0:
        return _MaxPooling2x2().apply((x,))[0]
    return F.max_pooling_2d(x, 2)



class _InPlaceAdamRule(AdamRule):
    """AdamRule whose CPU update reuses one buffer per parameter.

    The same operations in the same order as Chainer's ``update_core_cpu``
    (so the same float32 results); cases it does not cover (AMSGrad,
    AdaBound, weight decay, eta != 1, other dtypes) go to Chainer's code.
    """

    def update_core_cpu(self, param):
        hp, grad = self.hyperparam, param.grad
        if (grad is None or hp.amsgrad or hp.adabound or hp.weight_decay_rate != 0
                or hp.eta != 1 or param.dtype != np.float32):
            return super().update_core_cpu(param)
        self._check_eps(np.float32)
        m, v = self.state['m'], self.state['v']
        tmp = self.__dict__.get('_buffer')
        if tmp is None or tmp.shape != m.shape:
            tmp = self._buffer = np.empty_like(m)
        np.subtract(grad, m, out=tmp)       # m += (1 - beta1) * (grad - m)
        tmp *= 1.0 - hp.beta1
        m += tmp
        np.multiply(grad, grad, out=tmp)    # v += (1 - beta2) * (grad * grad - v)
        tmp -= v
        tmp *= 1.0 - hp.beta2
        v += tmp
        np.sqrt(v, out=tmp)                 # param -= alpha_t / (sqrt(v) + eps) * m
        tmp += hp.eps
        np.divide(self.alpha_t, tmp, out=tmp)
        tmp *= m
        param.array -= tmp


class Adam(optimizers.Adam):
    """``chainer.optimizers.Adam`` with the in-place CPU update; same results."""

    def create_update_rule(self):
        return _InPlaceAdamRule(self.hyperparam)
