"""A hand-written training loop driven through Chainer's Trainer, as pytorch-pfn-extras'
``run_iteration`` does, for the runs where the steps are the point::

    for _ in manager:            # log, progress, guard, snapshot: one line
        loss = steps.loss(model(x), t)
        steps.update(optimizer, loss)
        chainer.report({'loss': loss}, model)

It has the same extensions as a Trainer run (:func:`netlib.training.trainer.extend`).
"""

import numpy as np
from chainer import training
from chainer.training.trainer import _get_time

from netlib.training.trainer import QUIET_OVERFLOW, extend, resume
from netlib.training.updaters import ManualUpdater


class Manager:
    """A Trainer driven by the script's own loop: ``for iteration in manager: <one update>``.

    Each pass of the loop is one iteration inside the Trainer's reporter scope
    and yields its number (from 1; the updater's counter moves after the
    body, so an epoch ends where ``iteration % iterations_per_epoch == 0``);
    after it the extensions run exactly as ``Trainer.run`` runs them.
    *length* is ``(n, 'epoch')`` or ``(n, 'iteration')``.
    """

    def __init__(self, run, optimizers, length, iterations_per_epoch=1, extra_extensions=(),
                 **extend_options):
        self.updater = ManualUpdater(optimizers, iterations_per_epoch)
        self.trainer = training.Trainer(self.updater, length, out=str(run.out))
        self.run = run
        extend(self.trainer, run, extra_extensions, **extend_options)
        resume(self.trainer, run)

    @property
    def iteration(self):
        return self.updater.iteration

    @property
    def epoch(self):
        return self.updater.epoch

    @property
    def log(self):
        return self.trainer.get_extension('LogReport').log

    def __iter__(self):
        trainer = self.trainer
        ordered = self._start()
        try:
            with np.errstate(**QUIET_OVERFLOW):
                while not trainer.stop_trigger(trainer):
                    trainer.observation = {}
                    with trainer.reporter.scope(trainer.observation):
                        yield self.updater.iteration + 1
                        self.updater.update()
                        for _, entry in ordered:
                            if entry.trigger(trainer):
                                entry.extension(trainer)
        finally:
            for _, entry in ordered:
                if getattr(entry.extension, 'finalize', None):
                    entry.extension.finalize()
            self.run.keep_log(self.log)

    def _start(self):
        """What ``Trainer.run`` does before its loop: order and initialize the extensions."""
        trainer = self.trainer
        ordered = sorted(trainer._extensions.items(), key=lambda item: item[1].priority,
                         reverse=True)
        trainer._start_at = _get_time()  # the clock elapsed_time counts from
        for _, entry in ordered:
            if getattr(entry.extension, 'initialize', None):
                entry.extension.initialize(trainer)
        return ordered
