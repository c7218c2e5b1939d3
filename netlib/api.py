"""The Python API: :func:`train` a model on a dataset, :func:`run` an experiment.

Both go through the same :class:`netlib.training.runs.Run` and training loop as the
command line, so a notebook gets the same log, snapshots and guard.  Neither ends
the program: bad input raises :class:`netlib.errors.UsageError` carrying the line
the command would print, divergence :class:`netlib.errors.Diverged` (both are
:class:`netlib.errors.NetlibError`), and the kernels a run chooses are put back
after it, as ``chainer.using_config`` puts a setting back.
"""

import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from netlib import kernels, optimizers
from netlib.cli import flags, registry
from netlib.cli.program import flag_errors_raised
from netlib.errors import UsageError
from netlib.training import runs


@dataclass
class Trained:
    """What :func:`train` returns: the trained model, its LogReport records and its run
    folder (None when the run was written to a temporary folder, since removed)."""

    model: object
    log: list
    out: Path = None


@contextlib.contextmanager
def called_from_python():
    """A run as a call: a bad flag raises, the kernels are put back, and a run folder
    claimed before input was refused is taken back, as the command does."""
    with kernels.using(kernels.chosen()), flag_errors_raised():
        try:
            yield
        except UsageError:
            runs.release_unused()
            raise


def train(model, train_data, test_data=None, *, optimizer='adam', lr=None, epoch=1,
          batchsize=100, device=-1, seed=0, out=None, progress=False):
    """Train *model* (e.g. a :class:`netlib.Classifier`) on *train_data* for *epoch* epochs.

    *test_data*, when given, is evaluated after every epoch.  *out* is the run
    folder (log, plots, snapshots) to keep; without it the run is written to a
    temporary folder that is removed before this returns.
    """
    with contextlib.ExitStack() as scope:
        scope.enter_context(called_from_python())
        kept = out is not None
        if not kept:
            out = Path(scope.enter_context(tempfile.TemporaryDirectory(prefix='netlib-')), 'run')
        defaults = dict(optimizer=optimizer, lr=None, epoch=epoch, batchsize=batchsize,
                        device=str(device), seed=seed, progress=progress, out=str(out))
        # The command line's defaults and checks; *lr* as --lr, the caller's, not a default.
        given = flags.command_line({'lr': lr}) if lr is not None else []
        args = flags.parse(given, train.__doc__, defaults)
        run_ = runs.Run(args)
        model.to_device(run_.device)
        chosen = optimizers.from_args(args, model)
        log = run_.fit(model, chosen, train_data, test_data, plot=type(model.predictor).__name__)
        return Trained(model, log, run_.out if kept else None)


def run(experiment, **options):
    """Run *experiment*, a registered name or a script's path, with *options* as its flags
    (``epoch=1`` is ``--epoch 1``); its metrics."""
    module = registry.load(experiment)
    with called_from_python():
        return module.main(flags.command_line(options))
