"""``F.embed_id`` with its backward scatter-add as one compiled pass on the CPU.

Chainer's ``EmbedIDGrad`` adds one row of gy at a time in a Python loop;
:func:`netlib.kernels.compiled.add_rows` makes the same float32 additions in the
same order, so the gradient is Chainer's bit for bit (``tests/test_fast.py``).
"""

import numpy as np
from chainer.functions.connection.embed_id import EmbedIDFunction, EmbedIDGrad
from chainer.functions.connection.embed_id import embed_id as chainer_embed_id

from netlib.kernels import compiled
from netlib.kernels.arrays import on_cpu


class _EmbedIDGrad(EmbedIDGrad):
    """Chainer's, with the scatter-add compiled."""
    # seq2seq's 128 x 7 characters: 0.54 -> 0.01 ms.

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
    if ignore_label is not None or not on_cpu(getattr(x, 'array', x), getattr(W, 'array', W)):
        return chainer_embed_id(x, W, ignore_label)
    return _EmbedID().apply((x, W))[0]
