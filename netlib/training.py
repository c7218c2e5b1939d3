"""Training with Chainer's ``Trainer`` and its standard extensions, resumable and guarded.

Every training experiment goes through :func:`train`, so all of them get the
same flags (Chainer's MNIST example's ``--batchsize``, ``--epoch``,
``--frequency``, ``--resume``), the same run-folder files (``log``, ``args``,
``loss.png``, ``accuracy.png``, snapshots) and the same guarantees:

* a snapshot holds the model, the optimizer, the iterators, the log *and*
  NumPy's global random state (shuffling and dropout draw from it), so a run
  resumed from it ends bit-identical to an uninterrupted one on the CPU;
* a NaN, infinite or exploded loss (or a non-finite parameter at the end of
  an epoch) stops the run with ``Diverged`` before anything
  non-finite is snapshotted; the log up to that point is written.
"""

import math
import sys
from pathlib import Path

import numpy as np
from chainer import serializers, training
from chainer.training import extensions

from netlib import cli, plots, runs
from netlib.errors import DataError, Diverged, UsageError
from netlib.fast import reuse_freed_memory
from netlib.iterators import batch_iterator, converter_for


def add_arguments(parser, batchsize, epoch):
    """The training flags of Chainer's ``train_mnist.py``, plus data subsets."""
    group = parser.add_argument_group('training')
    group.add_argument('--batchsize', '-b', type=cli.positive_int, default=batchsize,
                       help='number of examples in each mini-batch')
    group.add_argument('--epoch', '-e', type=cli.positive_int, default=epoch,
                       help='number of sweeps over the training data')
    group.add_argument('--noprogress', action='store_true',
                       help='no progress bar (for logs that are read later)')
    add_snapshot_arguments(group, frequency=1)


def add_snapshot_arguments(parser, frequency):
    """``--frequency`` (epochs between snapshots) and ``--resume``."""
    parser.add_argument('--frequency', '-f', type=cli.positive_int, default=frequency,
                        help='take a snapshot every this many epochs')
    parser.add_argument('--resume', '-r', nargs='?', const='auto', default=None,
                        metavar='SNAPSHOT',
                        help='continue from SNAPSHOT, or without a value from the latest '
                             'snapshot in --out')


def add_data_arguments(parser):
    """``--data-dir`` and the subset sizes tests use to stay fast."""
    group = parser.add_argument_group('data')
    group.add_argument('--data-dir', default=None,
                       help='folder holding mnist/ (default: $NETLIB_DATA_DIR, else the '
                            'per-user cache, downloading when online)')
    group.add_argument('--train-size', type=cli.positive_int, default=None,
                       help='use only the first N training examples')
    group.add_argument('--test-size', type=cli.positive_int, default=None,
                       help='use only the first N test examples')


# A loss above this is treated like an infinite one: Adam with --lr 1e6 keeps
# its loss finite (around 1e21) but has clearly left the problem behind.
DIVERGENCE_LIMIT = 1e10


def check_loss(value, iteration, key='main/loss'):
    """Raise :class:`Diverged` for a NaN, infinite or exploded loss."""
    value = float(getattr(value, 'array', value))
    if not math.isfinite(value) or abs(value) > DIVERGENCE_LIMIT:
        raise Diverged(f'{key} became {value:g} at iteration {iteration}: training '
                       'diverged; try a lower --lr or --grad-clip')


class DivergenceGuard(training.Extension):
    """Stop at the first iteration whose reported loss is not finite.

    It runs before the writers (evaluator, snapshot) of the same iteration, so
    the last snapshot on disk is always a finite one.
    """

    trigger = 1, 'iteration'
    priority = training.PRIORITY_WRITER + 1

    def __call__(self, trainer):
        iteration = trainer.updater.iteration
        if 'main/loss' in trainer.observation:
            check_loss(trainer.observation['main/loss'], iteration)
        if trainer.updater.is_new_epoch:  # the snapshot comes next: keep it finite
            check_params(trainer.updater.get_optimizer('main').target, iteration)


def check_params(model, iteration):
    """Raise :class:`Diverged` if an update left a NaN or infinite parameter."""
    for name, param in model.namedparams():
        if not bool(param.device.xp.isfinite(param.array).all()):
            raise Diverged(f'parameter {name} became non-finite at iteration {iteration}: '
                           'training diverged; try a lower --lr or --grad-clip')


def serialize_random_state(serializer):
    """Save or restore NumPy's global RandomState through a Chainer serializer."""
    kind, keys, position, has_gauss, cached = np.random.get_state()
    keys = serializer('keys', keys)
    position = serializer('position', int(position))
    has_gauss = serializer('has_gauss', int(has_gauss))
    cached = serializer('cached_gaussian', float(cached))
    np.random.set_state((kind, keys, position, has_gauss, cached))


class RandomStateSnapshot(training.Extension):
    """Puts NumPy's global random state into every trainer snapshot.

    Chainer's ``snapshot`` saves what the trainer serializes; the global
    RandomState (used by ``SerialIterator``'s shuffle and by ``F.dropout``) is
    not part of it, and without it a resumed run draws different batches.
    """

    trigger = 1, 'epoch'
    name = 'random_state'

    def __call__(self, trainer):
        pass  # all the work is in serialize()

    def serialize(self, serializer):
        serialize_random_state(serializer)


def load_snapshot(path, target):
    """``serializers.load_npz`` without pickles.

    Chainer's own ``load_npz`` (and ``snapshot(autoload=True)``) open the file
    with ``allow_pickle=True``; a snapshot named by ``--resume`` may come from
    anywhere, and a pickled object array in it would run code.  Snapshots hold
    only numbers and strings, so they load without pickles.
    """
    try:
        with np.load(str(path), allow_pickle=False) as npz:
            serializers.NpzDeserializer(npz).load(target)
    except Exception as error:  # noqa: BLE001 -- a damaged zip raises many kinds
        raise DataError(f'cannot resume from {path}: {error}') from None


def latest_snapshot(out):
    """The Trainer snapshot with the highest epoch in *out*, or None."""
    found = sorted((int(path.name.rsplit('_', 1)[1]), path)
                   for path in Path(out).glob('snapshot_epoch_*') if path.name[15:].isdigit())
    return found[-1][1] if found else None


class LoopSnapshot:
    """Snapshot of a hand-written training loop: model, optimizer, epoch, random state.

    For experiments whose loop must stay visible (no Trainer); written to
    ``snapshot`` in the run folder through a temporary file, like Trainer's.
    """

    FILE = 'snapshot'

    def __init__(self, model, optimizer):
        self.model, self.optimizer, self.epoch = model, optimizer, 0

    def serialize(self, serializer):
        self.model.serialize(serializer['model'])
        self.optimizer.serialize(serializer['optimizer'])
        self.epoch = serializer('epoch', self.epoch)
        serialize_random_state(serializer['random_state'])

    def save(self, out, epoch):
        self.epoch = epoch
        with runs.atomic_path(Path(out) / self.FILE) as tmp:
            serializers.save_npz(tmp, self)

    def load(self, path):
        """Restore from the snapshot file *path*; the epoch it was taken at."""
        load_snapshot(path, self)
        return self.epoch

    @classmethod
    def find(cls, out):
        """This run folder's snapshot, or None."""
        path = Path(out) / cls.FILE
        return path if path.is_file() else None

    def resume(self, out, resume):
        """Apply ``--resume`` (``'auto'``: this run folder's snapshot); the start epoch."""
        path = self.find(out) if resume == 'auto' else resume
        return 0 if path is None else self.load(path)


class PlotLog(training.Extension):
    """Loss and accuracy curves from the LogReport, redrawn every epoch.

    Used instead of ``PlotReport`` because PlotReport writes its PNG in place
    (a kill mid-write leaves a broken file) and draws no title or axis label;
    this one goes through :mod:`netlib.plots` (atomic, titled, log scale when
    the loss spans decades).
    """

    trigger = 1, 'epoch'
    priority = training.PRIORITY_READER

    def __init__(self, title, loss_label='loss'):
        self.title, self.loss_label = title, loss_label

    def __call__(self, trainer):
        log = trainer.get_extension('LogReport').log
        out = trainer.out
        plots.plot_log(f'{out}/loss.png', log, ['main/loss', 'validation/main/loss'],
                       title=f'{self.title}: loss', ylabel=self.loss_label)
        if any('main/accuracy' in record for record in log):
            plots.plot_log(f'{out}/accuracy.png', log,
                           ['main/accuracy', 'validation/main/accuracy'],
                           title=f'{self.title}: accuracy', ylabel='accuracy')


def build_trainer(model, optimizer, train_data, test_data, args, out, device, title,
                  loss_label='loss', extra_extensions=()):
    """A Trainer with Evaluator, LogReport, PrintReport, ProgressBar, plots and snapshots."""
    reuse_freed_memory()
    train_iter = batch_iterator(train_data, args.batchsize)
    test_iter = batch_iterator(test_data, args.batchsize, repeat=False, shuffle=False)
    updater = training.updaters.StandardUpdater(train_iter, optimizer, device=device,
                                                converter=converter_for(train_iter))
    trainer = training.Trainer(updater, (args.epoch, 'epoch'), out=str(out))
    trainer.extend(DivergenceGuard())
    trainer.extend(extensions.Evaluator(test_iter, model, device=device,
                                        converter=converter_for(test_iter)))
    trainer.extend(extensions.LogReport())
    trainer.extend(PlotLog(title, loss_label))
    trainer.extend(RandomStateSnapshot())
    trainer.extend(extensions.snapshot(filename='snapshot_epoch_{.updater.epoch}', n_retains=2),
                   trigger=(args.frequency, 'epoch'))
    columns = ['epoch', 'main/loss', 'validation/main/loss']
    if getattr(model, 'compute_accuracy', False):
        columns += ['main/accuracy', 'validation/main/accuracy']
    # PrintReport's default stream is the sys.stdout of import time; pass the current one.
    trainer.extend(extensions.PrintReport(columns + ['elapsed_time'], out=sys.stdout))
    if not args.noprogress:
        trainer.extend(extensions.ProgressBar(update_interval=10))
    for extension in extra_extensions:
        trainer.extend(extension)
    snapshot = latest_snapshot(out) if args.resume == 'auto' else args.resume
    if snapshot is not None:
        load_snapshot(snapshot, trainer)
        print(f'resumed from {snapshot} at epoch {trainer.updater.epoch}')
    return trainer


def train(model, optimizer, train_data, test_data, args, out, device, title,
          loss_label='loss', extra_extensions=()):
    """Run the trainer; return the LogReport records. Raises Diverged (exit 3)."""
    trainer = build_trainer(model, optimizer, train_data, test_data, args, out, device, title,
                            loss_label, extra_extensions)
    try:
        # Chainer prints its own traceback for any error in the loop by default;
        # netlib reports a divergence in one line instead.
        trainer.run(show_loop_exception_msg=False)
    except Diverged:
        log = trainer.get_extension('LogReport').log
        runs.save_log(out, log)
        raise
    return trainer.get_extension('LogReport').log


def prepare_out(args, snapshot_in=latest_snapshot):
    """The run folder: ``--out`` itself when ``--resume`` continues a snapshot in it,
    else a new one (see :func:`runs.prepare`): a ``--resume`` that finds nothing
    to continue there must not write over what the folder holds.

    *snapshot_in(folder)* finds the snapshot ``--resume`` without a value means.
    """
    if args.resume is None:
        return runs.prepare(args.out)
    snapshot = snapshot_in(args.out) if args.resume == 'auto' else Path(args.resume)
    if args.resume != 'auto' and not snapshot.is_file():
        raise UsageError(f'--resume {args.resume}: no such snapshot file')
    inside = snapshot is not None and snapshot.parent.resolve() == Path(args.out).resolve()
    return runs.prepare(args.out, resume=inside)


def final_metrics(log):
    """The last epoch's numbers, with Chainer's keys made readable."""
    last = log[-1]
    names = {'main/loss': 'train_loss', 'validation/main/loss': 'test_loss',
             'main/accuracy': 'train_accuracy', 'validation/main/accuracy': 'test_accuracy'}
    return {name: last[key] for key, name in names.items() if key in last}
