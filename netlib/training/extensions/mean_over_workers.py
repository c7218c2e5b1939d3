"""A data-parallel run's reported values, averaged over its ChainerMN workers."""

import chainer
import numpy as np
from chainer import training


class MeanOverWorkers(training.Extension):
    """Replaces each reported value of *keys* by its mean over the workers, every iteration.

    It runs before the divergence guard reads them (priority above it), so every
    rank sees the same loss and all stop together; the log then holds the loss
    of the whole update, comparable with a one-process run of the total batch.
    (ChainerMN's ObservationAggregator does this, but needs ChainerX in 7.8.1.)
    """

    trigger = 1, 'iteration'
    priority = training.PRIORITY_WRITER + 2

    def __init__(self, comm, keys):
        self.comm, self.keys = comm, keys

    def __call__(self, trainer):
        keys = [key for key in self.keys if key in trainer.observation]  # the same on all
        values = np.array([float(chainer.as_array(trainer.observation[key])) for key in keys])
        means = self.comm.allreduce_obj(values) / self.comm.size
        trainer.observation.update(zip(keys, means.tolist()))
