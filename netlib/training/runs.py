"""One run: its device, seeds, kernels, run folder, ``args``, ``log``, metrics and plots.

Every experiment starts with ``run = Run(args)`` and writes through it.  The
run folder is made only when the first file is written, and input refused
after that (a batch larger than the data, found when training starts) takes
it back (:func:`release_unused`): refused input leaves nothing behind, nor
does a run that fails (out of memory, say) before its first record.  It
is never one an earlier run wrote:
a non-empty ``--out`` gets a numbered sibling (``out-2``, ``out-3``, ...)
unless ``--resume`` continues a snapshot in it.  Every file is written to a
temporary name and renamed, so a kill leaves the old or the new file, never
half of one.
"""

import json
import os
import sys
from pathlib import Path

from netlib import kernels
from netlib.scale import parallel
from netlib.serializers import snapshots
from netlib.training import environment, trainer
from netlib.device import get_device
from netlib.errors import UsageError
from netlib.files import write_json
from netlib.training.manager import Manager
from netlib.training.seed import set_seed

# Every run's args record the folder used; a claim is this file made exclusively.
ARGS = 'args'
LOG = 'log'  # LogReport's records, written also when the run fails
CLAIMED = []  # (folder, the outermost folder this process made for it) for release_unused


class Run:
    """The bookkeeping of one experiment run, from parsed *args*."""

    def __init__(self, args):
        self.args = args
        self.device = get_device(args.device)
        # Data-parallel (netlib.scale.parallel): this process is one of K workers.
        self.comm = None
        if getattr(args, 'communicator', None):
            self.comm = parallel.communicator(args.communicator, self.device)
            self.device = parallel.rank_device(self.comm, self.device)
        kernels.use(args.kernels or kernels.DEFAULT)
        set_seed(args.seed)
        self.progress = sys.stderr.isatty() if args.progress is None else args.progress
        self.snapshot = snapshots.snapshot_to_resume(args.out, getattr(args, 'resume', None))
        self._out = None

    @property
    def out(self):
        """The run folder, claimed (and ``args`` written) on first use."""
        if self._out is None:
            continuing = (self.snapshot is not None and
                          self.snapshot.parent.resolve() == Path(self.args.out).resolve())
            if self.comm is None:
                self._out = claim(Path(self.args.out), continuing)
            else:
                self._out = Path(parallel.claim_on_rank0(
                    self.comm, lambda: claim(Path(self.args.out), continuing)))
            if self.writes:
                write_json(self._out / ARGS, {**vars(self.args), 'out': str(self._out),
                                              'environment': environment.describe()})
        return self._out

    @property
    def writes(self):
        """Whether this process writes the run's files (not another rank of a parallel run)."""
        return self.comm is None or self.comm.rank == 0

    def path(self, name):
        """A file in the run folder (for a plot)."""
        return self.out / name

    def check_batchsize(self, examples):
        if self.args.batchsize > examples:
            held = '' if self.comm is None else f' each of the {self.comm.size} workers holds'
            raise UsageError(f'--batchsize {self.args.batchsize} is larger than the '
                             f'{examples} training examples{held}')

    def manager(self, optimizers, length, **options):
        """A :class:`netlib.training.manager.Manager` for a hand-written loop in this run."""
        return Manager(self, optimizers, length, **options)

    def fit(self, model, optimizer, train, test, plot, extra_extensions=()):
        """Train with Chainer's Trainer (see :func:`netlib.training.trainer.fit`); the log."""
        return trainer.fit(self, model, optimizer, train, test, plot, extra_extensions)

    def keep_log(self, records):
        """``log``: LogReport records (also a run cut short by divergence keeps its own)."""
        if self.writes:
            write_json(self.out / LOG, records)

    def save_metrics(self, metrics):
        """``metrics.json``: the final numbers ``make reproduce`` checks; says where.

        A run without a training loop gets a one-record ``log`` of its numbers,
        so that ChainerUI lists every run folder.
        """
        if not self.writes:
            return metrics
        write_json(self.out / 'metrics.json', metrics)
        if not (self.out / LOG).exists():
            numbers = {key: value for key, value in metrics.items()
                       if isinstance(value, (int, float))}
            self.keep_log([{'epoch': 0, 'iteration': 0, **numbers}])
        print(f'run folder: {self.out}')
        return metrics


def claim(out, continuing=False):
    """The folder this run writes to: *out* itself, or a numbered sibling.

    *out* is taken when it is new or empty (or *continuing* a snapshot in it);
    one that holds files is an earlier run's, so the first free ``out-2``,
    ``out-3``, ... is used.  A folder is claimed by creating its ``args``
    exclusively: of two runs started together, one gets it.
    """
    if out.exists() and not out.is_dir():
        raise UsageError(f'--out {out} exists and is a file, not a folder')
    if continuing or _claim(out):
        return out
    out = out.resolve()  # '.' and '..' have no name to number
    number = 2
    while not _claim(sibling := out.with_name(f'{out.name}-{number}')):
        number += 1
    print(f'{out} holds an earlier run; writing to {sibling}')
    return sibling


def _claim(folder):
    try:
        made = next((path for path in reversed((folder, *folder.parents))
                     if not path.exists()), None)
        folder.mkdir(parents=True, exist_ok=True)
        if any(path.name != ARGS for path in folder.iterdir()):
            return False
        os.close(os.open(folder / ARGS, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        CLAIMED.append((folder, made))
        return True
    except FileExistsError:
        return False
    except OSError as error:
        raise UsageError(f'cannot create run folder {folder}: {error.strerror}') from None


def release_unused():
    """Take back the run folders this process claimed and left unused (:func:`unused`):
    called when input is refused, or the run fails before its first record."""
    while CLAIMED:
        folder, made = CLAIMED.pop()
        if not unused(folder):
            continue
        for name in (ARGS, LOG):
            (folder / name).unlink(missing_ok=True)
        for path in (folder, *folder.parents) if made else ():
            try:
                path.rmdir()
            except OSError:  # another run's files arrived meanwhile
                break
            if path == made:
                break


def unused(folder):
    """Whether *folder* holds only ``args`` and perhaps a ``log`` without a record: what a
    run leaves that ends before its first record (a failed first step writes an empty log)."""
    if not folder.is_dir():
        return False
    names = {path.name for path in folder.iterdir()}
    if names - {LOG} != {ARGS}:
        return False
    try:
        return LOG not in names or json.loads((folder / LOG).read_text()) == []
    except (OSError, ValueError):  # a log no longer its run's own: not ours to remove
        return False
