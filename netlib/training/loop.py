"""The one training loop: Chainer's Trainer, for Trainer runs and hand-written loops alike.

Every run gets the same extensions from :func:`extend`: the divergence guard,
``LogReport`` (the run folder's ``log``), printed lines or a progress bar,
snapshots that resume bit-identically, and the loss/accuracy plots.

* :func:`fit` runs a ``StandardUpdater`` over a dataset, as Chainer's
  ``train_mnist.py`` does.
* :class:`Manager` drives the same Trainer from a loop written in the script,
  where the steps are the point (pytorch-pfn-extras' ``run_iteration``)::

      for _ in manager:            # log, progress, guard, snapshot: one line
          loss = steps.loss(model(x), t)
          steps.update(optimizer, loss)
          chainer.report({'loss': loss}, model)
"""

import sys
import warnings

from chainer import training
from chainer.training import extensions
from chainer.training.trainer import _get_time

from netlib import evaluation, plots
from netlib.scale import parallel, search
from netlib.serializers import snapshots
from netlib.training.extensions.divergence_guard import DivergenceGuard
from netlib.iterators import batch_iterator, converter_for

PROGRESS_UPDATE_INTERVAL = 10


def extend(trainer, run, log_every=(1, 'epoch'), print_every=None, columns=('main/loss',),
           plot=None, allow_divergence=()):
    """Give *trainer* netlib's standard extensions, in one place for every run.

    *log_every* is LogReport's interval (and that of the printed lines unless
    *print_every* says otherwise);
    snapshots come every ``--frequency`` epochs, or iterations where the run
    counts iterations; *plot* titles the loss/accuracy plots redrawn at each
    record; *allow_divergence* names observers that may diverge.
    """
    unit = log_every[1]
    snapshot_every = (run.args.frequency, unit)
    trainer.extend(DivergenceGuard(snapshot_every, allow_divergence))
    trainer.extend(extensions.LogReport(trigger=log_every))
    trainer.extend(snapshots.RandomStateSnapshot())
    if not run.writes:  # another rank of a data-parallel run: rank 0 writes and prints
        return
    trainer.extend(extensions.snapshot(filename=snapshots.FILENAME[unit], n_retains=2,
                                       savefun=snapshots.save_uncompressed),
                   trigger=snapshot_every)
    if plot:  # at the printed lines' interval, at most every 10 s (plots.PlotLog), and at the end
        trainer.extend(plots.PlotLog(plot, unit), trigger=print_every or log_every)
    printed = 'LogReport'
    if print_every:  # lines at their own interval: a LogReport of their own, fed every time
        printed = extensions.LogReport(trigger=print_every, log_name=None)
    trainer.extend(extensions.PrintReport([unit, *columns, 'elapsed_time'], log_report=printed,
                                          out=_stdout(run.progress)),
                   trigger=(1, 'iteration') if print_every else log_every)
    if run.progress:
        trainer.extend(extensions.ProgressBar(update_interval=PROGRESS_UPDATE_INTERVAL))


def every_iteration():
    """A LogReport of every iteration's values, kept in snapshots and written to no file.

    For a metric over single mini-batches (the mean of the last N losses):
    LogReport's records are means over its interval, and after ``--resume``
    the values from before the kill must be there too.  Pass it in
    ``extra_extensions``; read ``.log``.  (Chainer reads ``filename=None`` as
    'log' and ``log_name=None`` as no file.)
    """
    log = extensions.LogReport(trigger=(1, 'iteration'), log_name=None)
    log.name = 'every_iteration'
    return log


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
        evaluator = evaluation.WholeSetEvaluator(test_iter, model, device=run.device,
                                                 converter=converter_for(test_iter))
        trainer.extend(evaluator if comm is None else parallel.evaluator(evaluator, comm))
        columns = ['main/loss', 'validation/main/loss', 'main/accuracy',
                   'validation/main/accuracy']
    if not getattr(model, 'compute_accuracy', False):
        columns = [column for column in columns if not column.endswith('accuracy')]
    if comm is not None:
        extra_extensions = (parallel.MeanOverWorkers(comm, ['main/loss', 'main/accuracy']),
                            *extra_extensions)
    return run_trainer(trainer, run, extra_extensions, columns=columns, plot=plot)


def run_trainer(trainer, run, extra_extensions=(), **extend_options):
    """Give *trainer* netlib's extensions (:func:`extend`) and *extra_extensions*, resume it
    from ``--resume``'s snapshot and run it; returns the LogReport records (also written
    when training stops early).  For a Trainer with an updater of its own (a GAN's)."""
    extend(trainer, run, **extend_options)
    for extension in extra_extensions:
        trainer.extend(extension)
    if search.current_trial():  # netlib tune: Optuna reports each epoch, stops a pruned trial
        from optuna_integration import ChainerPruningExtension
        with warnings.catch_warnings():  # deprecated since Optuna 3.5, there until 5 (optuna<5)
            warnings.simplefilter('ignore', FutureWarning)
            trainer.extend(ChainerPruningExtension(*search.current_trial(), (1, 'epoch')))
    resume(trainer, run)
    try:
        # Chainer prints its own traceback for any error in the loop by default;
        # netlib reports a divergence in one line instead.
        trainer.run(show_loop_exception_msg=False)
    finally:
        run.keep_log(trainer.get_extension('LogReport').log)
    return trainer.get_extension('LogReport').log


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
        extend(self.trainer, run, **extend_options)
        for extension in extra_extensions:
            self.trainer.extend(extension)
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
        reported = len(self.log)
        try:
            while not trainer.stop_trigger(trainer):
                trainer.observation = {}
                with trainer.reporter.scope(trainer.observation):
                    yield self.updater.iteration + 1
                    self.updater.update()
                    for _, entry in ordered:
                        if entry.trigger(trainer):
                            entry.extension(trainer)
                    if search.current_trial() and len(self.log) > reported:
                        reported = len(self.log)
                        self._report_to_trial(*search.current_trial())
        finally:
            for _, entry in ordered:
                if getattr(entry.extension, 'finalize', None):
                    entry.extension.finalize()
            self.run.keep_log(self.log)

    def _report_to_trial(self, trial, key):
        """netlib tune: the newest LogReport record's *key* to Optuna; stop if it prunes."""
        import optuna
        step = self.updater.epoch if self.trainer.stop_trigger.unit == 'epoch' else \
            self.updater.iteration
        trial.report(float(self.log[-1][key]), step)
        if trial.should_prune():
            raise optuna.TrialPruned(f'pruned at {self.trainer.stop_trigger.unit} {step}')

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
