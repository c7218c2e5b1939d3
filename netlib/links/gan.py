"""A GAN on flat 28x28 images, after Chainer's ``examples/dcgan`` (net.py; its updater.py is
:class:`netlib.training.updaters.GANUpdater`).

Fully connected layers stand in for the example's (de)convolutions, which
take minutes an epoch on two CPU cores, and narrow ones: 128 and 256 units
for the example's 256 and 512.
"""

import chainer
import chainer.functions as F
import chainer.links as L
import numpy as np


class Generator(chainer.Chain):
    """Noise z (uniform in [-1, 1], as the example's ``make_hidden``) -> an image in [0, 1]."""

    # 128 and 256 units: an epoch in 12 s of CPU where 256 and 512 took 18, with about
    # the same classifier score after each epoch.
    def __init__(self, n_hidden=100, units=(128, 256), pixels=784):
        super().__init__()
        self.n_hidden = n_hidden
        with self.init_scope():
            self.l0 = L.Linear(n_hidden, units[0])
            self.bn0 = L.BatchNormalization(units[0])
            self.l1 = L.Linear(units[0], units[1])
            self.bn1 = L.BatchNormalization(units[1])
            self.l2 = L.Linear(units[1], pixels)

    def make_hidden(self, batchsize, random=np.random):
        return random.uniform(-1, 1, (batchsize, self.n_hidden)).astype(np.float32)

    def forward(self, z):
        h = F.relu(self.bn0(self.l0(z)))
        h = F.relu(self.bn1(self.l1(h)))
        return F.sigmoid(self.l2(h))


def add_noise(h, sigma=0.2):
    """The example's ``add_noise``: Gaussian noise on the discriminator's inputs and
    activations while training, so that it does not win the game outright."""
    if not chainer.config.train:
        return h
    xp = chainer.backend.get_array_module(h)
    return h + sigma * xp.random.randn(*h.shape).astype(h.dtype)


class Discriminator(chainer.Chain):
    """An image -> one score: positive for real, negative for generated (leaky ReLU and
    ``add_noise`` before every layer, as the example's)."""

    def __init__(self, units=(256, 128), pixels=784):
        super().__init__()
        with self.init_scope():
            self.l0 = L.Linear(pixels, units[0])
            self.l1 = L.Linear(units[0], units[1])
            self.l2 = L.Linear(units[1], 1)

    def forward(self, x):
        h = F.leaky_relu(self.l0(add_noise(x)))
        h = F.leaky_relu(self.l1(add_noise(h)))
        return self.l2(add_noise(h))
