"""The Python API: :func:`train` a model on a dataset, :func:`run` an experiment by name.

Both go through the same :class:`netlib.training.runs.Run` and training loop as the
command line, so a notebook gets the same log, snapshots and guard.
"""

import importlib
import tempfile
from dataclasses import dataclass

from netlib import optimizers
from netlib.cli import flags
from netlib.training.runs import Run


@dataclass
class Trained:
    """What :func:`train` returns: the trained model and its LogReport records."""

    model: object
    log: list


def train(model, train_data, test_data=None, *, optimizer='adam', lr=None, epoch=1,
          batchsize=100, device=-1, seed=0, out=None, progress=False):
    """Train *model* (e.g. a :class:`netlib.Classifier`) on *train_data* for *epoch* epochs.

    *test_data*, when given, is evaluated after every epoch; *out* is the run
    folder (default: a new temporary one).
    """
    defaults = dict(optimizer=optimizer, lr=lr, epoch=epoch, batchsize=batchsize,
                    device=str(device), seed=seed, progress=progress,
                    out=out or tempfile.mkdtemp(prefix='netlib-'))
    args = flags.parse([], train.__doc__, defaults)  # the command line's defaults and checks
    run_ = Run(args)
    model.to_device(run_.device)
    chosen = optimizers.from_args(args, model)
    log = run_.fit(model, chosen, train_data, test_data, plot=type(model.predictor).__name__)
    return Trained(model, log)


def run(name, **options):
    """Run ``experiments/NAME.py`` with *options* (``epoch=1`` is ``--epoch 1``); its metrics."""
    module = importlib.import_module(f'experiments.{name}')
    return module.main(command_line(options))


def command_line(options):
    """``{'epoch': 1, 'progress': False, 'activation': ('relu', 'tanh')}`` as flags."""
    argv = []
    for name, value in options.items():
        option = '--' + name.replace('_', '-')
        if value is True:
            argv.append(option)
        elif value is False:
            argv.append('--no-' + name.replace('_', '-'))
        elif isinstance(value, (list, tuple)):
            argv += [option, ','.join(map(str, value))]
        else:
            argv += [option, str(value)]
    return argv
