"""netlib tune: a run reports to the Optuna trial it belongs to and stops when it is pruned.

A Trainer run reports with Optuna's ``ChainerPruningExtension`` each epoch; a
hand-written loop (which may count iterations) reports each new LogReport
record with :class:`ReportToTrial`.
"""

import warnings

from chainer import training

from netlib.scale import search
from netlib.training.updaters import ManualUpdater


def for_current_trial(trainer):
    """The extension that reports *trainer*'s run to the trial being run, or None
    outside ``netlib tune``."""
    if not search.current_trial():
        return None
    if isinstance(trainer.updater, ManualUpdater):
        return ReportToTrial(*search.current_trial())
    from optuna_integration import ChainerPruningExtension
    with warnings.catch_warnings():  # deprecated since Optuna 3.5, there until 5 (optuna<5)
        warnings.simplefilter('ignore', FutureWarning)
        return ChainerPruningExtension(*search.current_trial(), (1, 'epoch'))


class ReportToTrial(training.Extension):
    """Each new LogReport record's *key* to Optuna's *trial*; stops the run if it prunes.

    Its priority is below that of every other extension (snapshots: -100), so
    it reads the iteration's record and snapshot after they are written.
    """

    trigger = 1, 'iteration'
    priority = -101

    def __init__(self, trial, key):
        self.trial, self.key = trial, key
        self.reported = 0

    def initialize(self, trainer):
        self.reported = len(trainer.get_extension('LogReport').log)  # those before --resume

    def __call__(self, trainer):
        import optuna
        log = trainer.get_extension('LogReport').log
        if len(log) <= self.reported:
            return
        self.reported = len(log)
        unit = trainer.stop_trigger.unit
        step = trainer.updater.epoch if unit == 'epoch' else trainer.updater.iteration
        self.trial.report(float(log[-1][self.key]), step)
        if self.trial.should_prune():
            raise optuna.TrialPruned(f'pruned at {unit} {step}')
