"""The two layer extras of "Deep Learning from Scratch" ch. 6: dropout and batch normalization.

Both nets create their ``L.Linear`` layers exactly as :class:`MLP` does, in
the same order, so after the same seed a plain MLP and its dropout or batch
norm twin start from the same weights and differ only in the extra.
"""

import chainer
import chainer.functions as F
import chainer.links as L

from netlib import steps
from netlib.links.mlp import MLP


class DropoutMLP(MLP):
    """An :class:`MLP` that zeroes each hidden unit with probability *ratio* while training.

    ``F.dropout`` scales the kept units by ``1 / (1 - ratio)`` during training
    and does nothing in test mode (``chainer.config.train`` False), so the
    test-time net is the plain MLP with the trained weights.
    """

    def __init__(self, units, ratio, activation='relu', initialW=None):
        super().__init__(units, activation, initialW)
        self.ratio = ratio

    def forward(self, x):
        *hidden, last = self
        for layer in hidden:
            x = F.dropout(steps.nonlinear(steps.linear(layer, x), self.activation), self.ratio)
        return steps.predict(last, x)


class BatchNormMLP(chainer.Chain):
    """Linear -> BatchNormalization -> activation in every hidden layer, as the book's net.

    In training mode each hidden pre-activation is standardised over the
    mini-batch, ``(u - mean) / sqrt(var + eps)``, then scaled and shifted by
    learnt gamma and beta; in test mode the running averages of mean and var
    are used instead.  *eps* bounds how small a variance is undone: Chainer's
    default 2e-5, the book 1e-6.  *initial_avg_var* starts the running variance:
    Chainer's default 1, the book's 0.  From 1, a pre-activation of variance
    1e-6 or less (weights of std 1e-4) stays shrunk in test mode until the
    decayed start, 0.9 ** k after k updates, falls below it: over 130 updates,
    in which the test-mode accuracy lags the training.
    """

    def __init__(self, units, activation='relu', initialW=None, eps=2e-5, initial_avg_var=1):
        super().__init__()
        with self.init_scope():
            self.linears = MLP(units, activation, initialW)  # used for its layers only
            self.norms = chainer.ChainList(*(
                L.BatchNormalization(size, eps=eps, initial_avg_var=initial_avg_var)
                for size in units[1:-1]))
        self.activation = activation

    def forward(self, x):
        *hidden, last = self.linears
        for layer, norm in zip(hidden, self.norms):
            x = steps.nonlinear(norm(steps.linear(layer, x)), self.activation)
        return steps.predict(last, x)
