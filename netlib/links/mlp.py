"""Regression and classification networks built from ``L.Linear`` and an activation."""

import chainer
import chainer.functions as F
import chainer.links as L

from netlib import steps


def mnist_mlp_sizes(args):
    """784 inputs, ``--hidden-layers`` layers of ``--unit``, 10 outputs."""
    return (784,) + (args.unit,) * args.hidden_layers + (10,)


class MLP(chainer.ChainList):
    """Linear layers with *activation* between them and none after the last.

    Layers are created in order, so after ``np.random.seed(3)`` an
    ``MLP((3, 2, 1))`` draws the same initial weights as the case-k post's
    ``fc1 = L.Linear(3, 2)`` followed by ``fc2 = L.Linear(2, 1)``.
    """

    def __init__(self, units, activation='relu', initialW=None):
        steps.activation_function(activation)  # refuse an unknown name early
        layers = [L.Linear(n_in, n_out, initialW=initialW)
                  for n_in, n_out in zip(units[:-1], units[1:])]
        super().__init__(*layers)
        self.units = tuple(units)
        self.activation = activation

    def forward(self, x):
        *hidden, last = self
        for layer in hidden:
            x = steps.nonlinear(steps.linear(layer, x), self.activation)
        return steps.predict(last, x)


class Regressor(L.Classifier):
    """*predictor* trained on mean squared error; reports ``loss`` only."""

    def __init__(self, predictor):
        super().__init__(predictor, lossfun=F.mean_squared_error)
        self.compute_accuracy = False


class Classifier(L.Classifier):
    """*predictor* trained on softmax cross-entropy; reports ``loss`` and ``accuracy``."""

    def __init__(self, predictor):
        super().__init__(predictor, lossfun=F.softmax_cross_entropy, accfun=F.accuracy)
