"""Transfer learning: a pretrained net's layers under a new last layer, copied or frozen.

The nets are ChainLists (:class:`netlib.links.mlp.MLP`, :class:`netlib.links.convnets.LeNet`),
so ``net[:-1]`` is everything below the classifier.
"""

import chainer.functions as F
import numpy as np

from netlib import optimizers
from netlib import steps
from netlib.links.convnets import LeNet
from netlib.links.mlp import MLP


def new_net(kind, unit, classes):
    """An MLP 784-unit-unit-classes or a LeNet with *unit* units below its classifier."""
    return MLP((784, unit, unit, classes)) if kind == 'mlp' else LeNet(classes, unit)


def transfer_net(pretrained, net, method):
    """*net* for the new classes: random (scratch), or the pretrained hidden layers
    under a new last layer (finetune, frozen)."""
    if method != 'scratch':
        for layer, trained in zip(net[:-1], pretrained[:-1]):
            layer.copyparams(trained)
    return net


def learn(net, x, t, n_steps, batchsize, optimizer='adam', frozen=False):
    """*n_steps* updates of *net* on minibatches drawn (with replacement) from (x, t);
    *frozen*: all but the last layer fixed."""
    optimizer = optimizers.create(optimizer).setup(net)
    if frozen:  # after setup, which gives every parameter a new, enabled update rule
        for layer in net[:-1]:
            layer.disable_update()
    for _ in range(n_steps):
        batch = np.random.randint(0, len(x), min(batchsize, len(x)))
        steps.update(optimizer, F.softmax_cross_entropy(net(x[batch]), t[batch]))
    return net
