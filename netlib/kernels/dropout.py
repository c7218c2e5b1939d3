"""``F.dropout`` with one random byte per element where the ratio is a multiple of 1/256.

Each element is kept (and scaled by 1 / (1 - ratio), as Chainer does) with
probability exactly 1 - ratio, but the mask differs from Chainer's, because the
random numbers are drawn differently: a run with dropout differs between the two
kernel sets in its draws, not its arithmetic.  Other ratios, test mode, GPU arrays
and keyword options go to Chainer's own function.
"""

import chainer
import numpy as np
from chainer import function_node
from chainer.functions.noise.dropout import dropout as chainer_dropout

from netlib.kernels import compiled
from netlib.kernels.arrays import on_cpu

# Chainer draws a float64 per element (np.random.rand), 5.1 of the Keras CNN's
# ~100 ms per iteration; bytes from the same global RandomState (so seeds and
# snapshots still cover them) take a quarter of the generator's work.
DRAW_LEVELS = 256


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


def dropout(x, ratio=.5, **kwargs):
    """``F.dropout(x, ratio)`` with byte-sized random draws where *ratio* is k/256."""
    array = getattr(x, 'array', x)
    threshold = ratio * DRAW_LEVELS
    if (not chainer.config.train or not on_cpu(array)
            or array.dtype not in (np.float32, np.float64) or not threshold.is_integer()
            or kwargs):
        return chainer_dropout(x, ratio, **kwargs)
    draws = np.frombuffer(np.random.bytes(array.size), dtype=np.uint8)
    scale = array.dtype.type(1 / (1 - ratio))
    return _DropoutMask(draws, int(threshold), scale).apply((x,))[0]
