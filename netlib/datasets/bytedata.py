"""Is this a JPEG or a program?  Bit windows cut from real files, split by source.

palloc's CNN post classifies 8 bytes (64 bits) taken from JPEG images and from
Windows ``.exe`` files.  This module builds that data set from files found on
the machine:

* JPEGs: the photos Python packages ship (matplotlib's ``grace_hopper.jpg``,
  scikit-learn's ``china.jpg`` and ``flower.jpg``) plus JPEGs that Pillow
  encodes from them and from MNIST digits at several sizes and qualities;
* programs: the Windows launchers that setuptools and pip ship
  (``cli-64.exe``, ``t64.exe``, ...), PE files that start with ``MZ``.

Train and test windows come from different *source groups*
(:func:`netlib.datasets.byte_files.source_group`), not just different files: a
split by window, or by file, would test on sources the network has already
seen.  :func:`split_by_group` keeps every group on one side.

:func:`load_files` finds both classes' files (the defaults above, or the
folders given; :mod:`netlib.datasets.byte_files`, :mod:`netlib.datasets.jpeg_encoding`),
:func:`windows_by_source` cuts the balanced train and test windows from a split
by source and prints that split.
"""

import numpy as np
from chainer.datasets import TupleDataset

from netlib.datasets.byte_files import (EXE, JPEG, KINDS, group_files, require_two,
                                        site_packages, source_group, usable_files)
from netlib.datasets.jpeg_encoding import digits_needed, encode_jpegs
from netlib.datasets.mnist import load_mnist


def load_files(jpeg_dir, exe_dir, window, data_dir=None):
    """(JPEG files, program files): those below *jpeg_dir* and *exe_dir*, or the defaults.

    The default programs are the launchers in this Python's site-packages;
    the default JPEGs, the photos there plus those :func:`encode_jpegs` makes
    from them and from MNIST digits (read from *data_dir*).
    """
    exes = usable_files(exe_dir or site_packages(), EXE, window)
    if jpeg_dir:
        return usable_files(jpeg_dir, JPEG, window), exes
    photos = usable_files(site_packages(), JPEG, window, two_sources=False)
    digits, _ = load_mnist(data_dir, 'test', scale=False, shape='image', limit=digits_needed())
    jpegs = photos + encode_jpegs(photos, digits[:, 0])
    require_two(jpegs, f'(default: {site_packages()} plus encoded JPEGs)', JPEG)
    return jpegs, exes


def split_by_group(files, test_fraction, kind):
    """(train, test, test group names): every source group goes to exactly one side.

    Groups are sorted by name and the test groups spread evenly over that list,
    so the split is the same on every run and does not depend on ``--seed``.
    *test_fraction* is a share of the groups, not of the files or bytes.
    """
    groups = group_files(files, kind)
    names = list(groups)
    n_test = min(len(names) - 1, max(1, round(len(names) * test_fraction)))
    test_places = {int((i + 0.5) * len(names) / n_test) for i in range(n_test)}
    test_names = [name for place, name in enumerate(names) if place in test_places]
    train = [file for name in names if name not in test_names for file in groups[name]]
    test = [file for name in test_names for file in groups[name]]
    return train, test, test_names


def windows_by_source(files_per_kind, test_fraction, train_windows, test_windows, window,
                      seed):
    """(train, test): balanced bit windows from a split by source group (printed), so no
    source feeds both sides.  *files_per_kind* follows :data:`KINDS`."""
    rng = np.random.default_rng(seed)
    train_files, test_files = [], []
    for kind, files in zip(KINDS, files_per_kind):
        train, test, test_groups = split_by_group(files, test_fraction, kind)
        print_split(kind, train, test, test_groups)
        train_files.append(train)
        test_files.append(test)
    return (balanced_dataset(train_files, train_windows, window, rng),
            balanced_dataset(test_files, test_windows, window, rng))


def print_split(kind, train, test, test_groups):
    """One line per file: its side, [its source group], its name and size."""
    n_groups = len(group_files(train + test, kind))
    print(f'{kind.name}: {n_groups - len(test_groups)} training source groups '
          f'({len(train)} files), {len(test_groups)} test source groups ({len(test)} files: '
          f'{", ".join(test_groups)})')
    for side, files in (('train', train), ('test', test)):
        for file in files:
            print(f'  {side:5s} [{source_group(file.name, kind)}] {file.name} '
                  f'({len(file.data):,} bytes)')


def sample_windows(files, count, window, rng):
    """*count* windows of *window* bytes at random offsets, as a (count, window) uint8 array.

    Every offset of every file is equally likely, so a file contributes in
    proportion to its size.
    """
    starts_per_file = np.array([len(file.data) - window + 1 for file in files])
    first_start = np.concatenate([[0], np.cumsum(starts_per_file)])
    picks = rng.integers(0, first_start[-1], size=count)
    file_index = np.searchsorted(first_start, picks, side='right') - 1
    offsets = picks - first_start[file_index]
    buffers = [np.frombuffer(file.data, np.uint8) for file in files]
    return np.stack([buffers[i][offset:offset + window]
                     for i, offset in zip(file_index, offsets)])


def to_bits(windows):
    """(N, bytes) uint8 -> (N, 1, 8 * bytes) float32 of 0s and 1s, most significant bit first."""
    return np.unpackbits(windows, axis=1)[:, None, :].astype(np.float32)


def balanced_dataset(files_per_kind, count, window, rng):
    """A TupleDataset of *count* bit windows per kind, labelled by the kind's index."""
    x = np.concatenate([to_bits(sample_windows(files, count, window, rng))
                        for files in files_per_kind])
    t = np.repeat(np.arange(len(files_per_kind), dtype=np.int32), count)
    return TupleDataset(x, t)
