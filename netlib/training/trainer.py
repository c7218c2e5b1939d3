"""A run of Chainer's Trainer: its extensions, in one place, and the one way to run it.

Every run gets the same extensions from :func:`extend`: the divergence guard,
``LogReport`` (the run folder's ``log``), printed lines or a progress bar,
snapshots that resume bit-identically, the loss/accuracy plots, and in
``netlib tune`` the report to Optuna's trial.

* :func:`run_trainer` runs a Trainer with any updater (a GAN's, say).
* :func:`fit` builds one of a ``StandardUpdater`` over a dataset, as Chainer's
  ``train_mnist.py`` does, and runs it with :func:`run_trainer`.
* :class:`netlib.training.manager.Manager` drives the same Trainer from a loop
  written in the script.
"""

import sys

import numpy as np
from chainer import training
from chainer.training import extensions as chainer_extensions

from netlib.iterators import batch_iterator, converter_for
from netlib.scale import parallel
from netlib.serializers import snapshots
from netlib.training import extensions
from netlib.training.extensions import optuna_pruning

PROGRESS_UPDATE_INTERVAL = 10
# Inside a run NumPy's overflow warnings stay silent: the divergence guard reports a
# non-finite loss or parameter in one line, and their lines would come before it.
QUIET_OVERFLOW = dict(over='ignore', invalid='ignore')


def extend(trainer, run, extra_extensions=(), log_every=(1, 'epoch'), print_every=None,
           columns=('main/loss',), plot=None, allow_divergence=()):
    """Give *trainer* netlib's standard extensions, then *extra_extensions*, then (in
    ``netlib tune``) the report to the trial: in one place for every run.

    *log_every* is LogReport's interval (and that of the printed lines unless
    *print_every* says otherwise);
    snapshots come every ``--frequency`` epochs, or iterations where the run
    counts iterations; *plot* titles the loss/accuracy plots redrawn at each
    record; *allow_divergence* names observers that may diverge.
    """
    _extend_standard(trainer, run, log_every, print_every, columns, plot, allow_divergence)
    for extension in extra_extensions:
        trainer.extend(extension)
    pruning = optuna_pruning.for_current_trial(trainer)
    if pruning is not None:
        trainer.extend(pruning)


def _extend_standard(trainer, run, log_every, print_every, columns, plot, allow_divergence):
    unit = log_every[1]
    snapshot_every = (run.args.frequency, unit)
    trainer.extend(extensions.DivergenceGuard(snapshot_every, allow_divergence))
    trainer.extend(chainer_extensions.LogReport(trigger=log_every,
                                                postprocess=_record_postprocess(trainer, unit)))
    trainer.extend(extensions.RandomStateSnapshot())
    if not run.writes:  # another rank of a data-parallel run: rank 0 writes and prints
        return
    trainer.extend(chainer_extensions.snapshot(filename=snapshots.FILENAME[unit], n_retains=2,
                                               savefun=snapshots.save_uncompressed),
                   trigger=snapshot_every)
    if plot:  # at the printed lines' interval, at most every 10 s (PlotLog), and at the end
        trainer.extend(extensions.PlotLog(plot, unit), trigger=print_every or log_every)
    printed = 'LogReport'
    if print_every:  # lines at their own interval: a LogReport of their own, fed every time
        printed = chainer_extensions.LogReport(trigger=print_every, log_name=None)
    trainer.extend(chainer_extensions.PrintReport([unit, *columns, 'elapsed_time'],
                                                  log_report=printed, out=_stdout(run.progress)),
                   trigger=(1, 'iteration') if print_every else log_every)
    if run.progress:  # on stderr, the stream Run checks: stdout keeps plain lines for a file
        trainer.extend(extensions.ProgressBar(sys.stderr, PROGRESS_UPDATE_INTERVAL))


def _record_postprocess(trainer, unit):
    """A loop that counts iterations and declares no epochs (a Manager's one iteration an
    epoch) records no ``epoch``: LogReport's would repeat the iteration, and ChainerUI's
    epoch axis would set vanishing_gradient's 1000 updates beside mnist_mlp's 20 epochs."""
    if unit == 'iteration' and getattr(trainer.updater, 'iterations_per_epoch', None) == 1:
        return lambda record: record.pop('epoch')
    return None


class _PlainLines:
    """A stream without the terminal escape PrintReport writes to erase a progress bar."""

    ERASE = '\033[J'

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        self.stream.write(text.replace(self.ERASE, ''))

    def flush(self):
        self.stream.flush()


def _stdout(progress):
    """The current sys.stdout (PrintReport's default is that of import time), with
    escape codes only when a progress bar draws on a terminal."""
    return sys.stdout if progress and sys.stdout.isatty() else _PlainLines(sys.stdout)


def resume(trainer, run):
    """Load ``--resume``'s snapshot into *trainer*, if any; say where it continues."""
    snapshots.remove_partial_writes(trainer.out)
    path = run.snapshot
    if path is not None:
        snapshots.load_snapshot(path, trainer)
        updater = trainer.updater
        print(f'resumed from {path} at epoch {updater.epoch} (iteration {updater.iteration})',
              flush=True)


def run_trainer(trainer, run, extra_extensions=(), **extend_options):
    """Give *trainer* netlib's extensions (:func:`extend`) and *extra_extensions*, resume it
    from ``--resume``'s snapshot and run it; returns the LogReport records (also written
    when training stops early)."""
    extend(trainer, run, extra_extensions, **extend_options)
    resume(trainer, run)
    try:
        # Chainer prints its own traceback for any error in the loop by default;
        # netlib reports a divergence in one line instead.
        with np.errstate(**QUIET_OVERFLOW):
            trainer.run(show_loop_exception_msg=False)
    finally:
        run.keep_log(trainer.get_extension('LogReport').log)
    return trainer.get_extension('LogReport').log


def fit(run, model, optimizer, train, test, plot, extra_extensions=()):
    """Train *model* for ``--epoch`` epochs of ``--batchsize``, testing after each (if *test*).

    Returns the LogReport records.  Raises ``Diverged`` (exit code 3) with the
    log up to that point written.
    """
    comm = run.comm
    if comm is not None:  # data-parallel: a K-th of the data here, gradients averaged
        print(parallel.describe(comm, run.args.communicator, run.args.batchsize), flush=True)
        train = parallel.scatter(train, comm, run.args.seed)
        test = test if test is None else parallel.scatter(test, comm, run.args.seed, False)
        optimizer = parallel.optimizer(optimizer, comm)
    run.check_batchsize(len(train))
    train_iter = batch_iterator(train, run.args.batchsize)
    updater = training.updaters.StandardUpdater(train_iter, optimizer, device=run.device,
                                                converter=converter_for(train_iter))
    trainer = training.Trainer(updater, (run.args.epoch, 'epoch'), out=str(run.out))
    columns = ['main/loss', 'main/accuracy']
    if test is not None:
        test_iter = batch_iterator(test, run.args.batchsize, repeat=False, shuffle=False)
        evaluator = extensions.WholeSetEvaluator(test_iter, model, device=run.device,
                                                 converter=converter_for(test_iter))
        trainer.extend(evaluator if comm is None else parallel.evaluator(evaluator, comm))
        columns = ['main/loss', 'validation/main/loss', 'main/accuracy',
                   'validation/main/accuracy']
    if not getattr(model, 'compute_accuracy', False):
        columns = [column for column in columns if not column.endswith('accuracy')]
    if comm is not None:
        extra_extensions = (extensions.MeanOverWorkers(comm, ['main/loss', 'main/accuracy']),
                            *extra_extensions)
    return run_trainer(trainer, run, extra_extensions, columns=columns, plot=plot)
