"""Updaters: the step of a run, as Chainer's ``training.updaters`` hold them.

* :class:`ManualUpdater` counts the iterations of a loop written in the
  script (:class:`netlib.training.manager.Manager`).
* :class:`GANUpdater` is Chainer's ``examples/dcgan`` updater: one minibatch
  of real images, one of generated ones, the discriminator's softplus loss
  and then the generator's, each with its own optimizer.
"""

import chainer
import chainer.functions as F
from chainer import training


class ManualUpdater(training.Updater):
    """The iteration counter of a hand-written loop, as the Trainer sees an updater.

    *optimizers* maps observer names to optimizers: ``{'main': opt}`` reports
    ``main/loss``; ``{'sigmoid': a, 'relu': b}`` reports each net under its name.
    Snapshots hold every optimizer and its model, as StandardUpdater's do.
    """

    def __init__(self, optimizers, iterations_per_epoch=1):
        self._optimizers = dict(optimizers)
        self.iterations_per_epoch = iterations_per_epoch
        self.iteration = 0

    @property
    def epoch(self):
        return self.iteration // self.iterations_per_epoch

    @property
    def epoch_detail(self):
        return self.iteration / self.iterations_per_epoch

    @property
    def previous_epoch_detail(self):
        return max(0, self.iteration - 1) / self.iterations_per_epoch

    @property
    def is_new_epoch(self):
        return self.iteration % self.iterations_per_epoch == 0

    def connect_trainer(self, trainer):
        pass

    def finalize(self):
        pass

    def get_optimizer(self, name):
        return self._optimizers[name]

    def get_all_optimizers(self):
        return dict(self._optimizers)

    def update(self):
        self.iteration += 1

    def serialize(self, serializer):
        self.iteration = serializer('iteration', self.iteration)
        for name, optimizer in self._optimizers.items():
            optimizer.serialize(serializer['optimizer:' + name])
            optimizer.target.serialize(serializer['model:' + name])


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
