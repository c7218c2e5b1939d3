"""A GAN on flat 28x28 images, after Chainer's ``examples/dcgan`` (net.py and updater.py).

Fully connected layers stand in for the example's (de)convolutions, which
take minutes an epoch on two CPU cores, and narrow ones: 128 and 256 units
(for 256 and 512) train an epoch in 12 s of CPU where the wider took 18,
with about the same classifier score after each epoch; the updater is the example's: one
minibatch of real images, one of generated ones, the discriminator's
softplus loss and then the generator's, each with its own optimizer.
"""

import chainer
import chainer.functions as F
import chainer.links as L
import numpy as np
from chainer import training


class Generator(chainer.Chain):
    """Noise z (uniform in [-1, 1], as the example's ``make_hidden``) -> an image in [0, 1]."""

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


class GANUpdater(training.updaters.StandardUpdater):
    """The example's ``DCGANUpdater``: optimizers ``gen`` and ``dis``, one step of each.

    Reports ``dis/loss``, ``gen/loss`` and the discriminator's accuracy on this
    minibatch's real images (``dis/acc_real``: score > 0) and generated ones
    (``dis/acc_fake``: score < 0); the noise comes from NumPy's global stream,
    which snapshots keep.
    """

    def __init__(self, iterator, optimizers, device, converter):
        super().__init__(iterator, optimizers, device=device, converter=converter)
        self.gen, self.dis = optimizers['gen'].target, optimizers['dis'].target

    def loss_dis(self, dis, y_fake, y_real):
        batchsize = len(y_fake)
        loss = F.sum(F.softplus(-y_real)) / batchsize + F.sum(F.softplus(y_fake)) / batchsize
        chainer.report({'loss': loss, 'acc_real': float((y_real.array > 0).mean()),
                        'acc_fake': float((y_fake.array < 0).mean())}, dis)
        return loss

    def loss_gen(self, gen, y_fake):
        loss = F.sum(F.softplus(-y_fake)) / len(y_fake)
        chainer.report({'loss': loss}, gen)
        return loss

    def update_core(self):
        x_real, = self.converter(self.get_iterator('main').next(), self.device)
        y_real = self.dis(x_real)
        z = self.device.send(self.gen.make_hidden(len(x_real)))
        x_fake = self.gen(z)
        # D's step sees the generated images as plain arrays: the example backpropagates
        # its loss through G as well, gradients that G's step then clears (a sixth of
        # the multiply-adds of an iteration).  G's step runs D again, after D's update.
        y_fake = self.dis(x_fake.array)
        self.get_optimizer('dis').update(self.loss_dis, self.dis, y_fake, y_real)
        self.get_optimizer('gen').update(self.loss_gen, self.gen, self.dis(x_fake))
