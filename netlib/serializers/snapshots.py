"""Snapshots that resume bit-identically and load without pickles.

A snapshot holds what the Trainer serializes (models, optimizers, iterators,
the log, the clock) *and* NumPy's global random state, which
``SerialIterator``'s shuffle, ``F.dropout`` and the hand loops' batch draws use:
without it a resumed run draws different batches.
"""

import re
import shutil
from pathlib import Path

import numpy as np
from chainer import serializers

from netlib.errors import DataError, UsageError

# Snapshot file names by the unit a run counts in (ChainerUI lists snapshot_iter_N).
FILENAME = {'epoch': 'snapshot_epoch_{.updater.epoch}',
            'iteration': 'snapshot_iter_{.updater.iteration}'}
SNAPSHOT_NAME = re.compile(r'snapshot_(epoch|iter)_(\d+)$')


def serialize_random_state(serializer, state=None):
    """Save or restore a NumPy RandomState tuple (default: the global one)."""
    kind, keys, position, has_gauss, cached = state or np.random.get_state()
    keys = serializer('keys', keys)
    position = serializer('position', int(position))
    has_gauss = serializer('has_gauss', int(has_gauss))
    cached = serializer('cached_gaussian', float(cached))
    return kind, keys, position, has_gauss, cached


def save_uncompressed(path, target):
    """``serializers.save_npz`` without zip compression: weights compress poorly."""
    # mnist_mlp's snapshot: 19.7 MB compressed, 22.0 MB not; compressing took 0.55 s of a
    # 7 s run, writing it plain 0.01 s.
    serializers.save_npz(path, target, compression=False)


def load_snapshot(path, target):
    """``serializers.load_npz`` without pickles.

    Chainer's own ``load_npz`` opens the file with ``allow_pickle=True``; a
    snapshot named by ``--resume`` may come from anywhere, and a pickled
    object array in it would run code.  Snapshots hold only numbers and
    strings, so they load without pickles.
    """
    try:
        with np.load(str(path), allow_pickle=False) as npz:
            serializers.NpzDeserializer(npz).load(target)
    except Exception as error:  # noqa: BLE001 -- a damaged zip raises many kinds
        raise DataError(f'cannot resume from {path}: {error}') from None


def latest_snapshot(out):
    """The snapshot with the highest epoch or iteration in *out*, or None."""
    found = sorted((int(match.group(2)), path) for path in Path(out).glob('snapshot_*')
                   if (match := SNAPSHOT_NAME.match(path.name)))
    return found[-1][1] if found else None


def snapshot_to_resume(out, resume):
    """The file ``--resume`` names: *resume* itself, or with no value the latest in *out*."""
    if resume is None:
        return None
    if resume == 'auto':
        return latest_snapshot(out) if Path(out).is_dir() else None
    if not Path(resume).is_file():
        raise UsageError(f'--resume {resume}: no such snapshot file')
    return Path(resume)


def remove_snapshots(out):
    """Every snapshot in the run folder *out* (a run that will not resume)."""
    for path in Path(out).glob('snapshot_*'):
        if SNAPSHOT_NAME.match(path.name):
            path.unlink()


def remove_partial_writes(out):
    """Delete what a write cut short by a kill left: Chainer's ``tmp*`` files and folders."""
    for path in Path(out).glob('tmp*'):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
