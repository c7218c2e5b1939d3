"""Chainer's own MNIST loader offline: its cache filled from netlib's checksummed files.

``chainer.datasets.get_mnist()`` reads ``train.npz`` and ``test.npz`` (``x``: uint8
(N, 784), ``y``: uint8 (N,)) from ``pfnet/chainer/mnist`` under Chainer's dataset root
(``$CHAINER_DATASET_ROOT``, else ``~/.chainer/dataset``) and downloads only what is
not there.  ``netlib data chainer-cache`` writes both, each whole or not at all.
"""

import os
from pathlib import Path

import numpy as np

from netlib import files
from netlib.datasets import mnist
from netlib.datasets.fetch import resolve_data_dir
from netlib.errors import DataError, UsageError

MNIST_FOLDER = ('pfnet', 'chainer', 'mnist')
SPLITS = {'train': 'train.npz', 'test': 'test.npz'}


def dataset_root(root=None):
    """Chainer's dataset root, as ``chainer.dataset.download`` reads it."""
    return Path(root or os.environ.get('CHAINER_DATASET_ROOT')
                or Path.home() / '.chainer' / 'dataset')


def fill_mnist(data_dir=None, root=None):
    """Write Chainer's MNIST cache from the data folder; return the folder written."""
    missing = mnist.missing_files(data_dir)
    if missing:
        raise DataError(f'MNIST file missing from {resolve_data_dir(data_dir)}: '
                        f'{", ".join(missing)} (--data-dir or NETLIB_DATA_DIR)')
    folder = dataset_root(root).joinpath(*MNIST_FOLDER)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for split, name in SPLITS.items():
            images, labels = mnist.load_mnist(data_dir, split, scale=False, download=False)
            with files.atomic_path(folder / name) as tmp, open(tmp, 'wb') as handle:
                np.savez_compressed(handle, x=images, y=labels.astype(np.uint8))
    except OSError as error:
        raise UsageError(f"cannot write Chainer's dataset cache {folder}: "
                         f'{error.strerror or error}') from None
    return folder
