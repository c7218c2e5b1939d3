"""Trained links saved as ``.npz`` and loaded back only into the architecture they fit.

:func:`save` writes Chainer's ``serializers.save_npz`` layout (``conv1/W``,
``fc2/b``, ...) through a temporary file, and beside it ``NAME.npz.sha256``.
:func:`load` reads the arrays with ``allow_pickle=False``
(:func:`netlib.serializers.weights.load_weights`), checks the checksum, then checks every
array name and shape against the link it is loading into *before* copying any,
so a file of another network is refused in one line (``DataError``, exit 2)
and the link is left as it was.
"""

from pathlib import Path

import numpy as np
from chainer import serializers

from netlib.datasets.fetch import check_sha256, sha256_of
from netlib.errors import DataError
from netlib.files import atomic_path, atomic_write
from netlib.serializers.weights import load_weights

MAX_NAMES = 3  # names listed in an error line, so it stays one readable line


def layout(link):
    """``{name: shape}`` of everything ``save_npz`` writes for *link* (parameters and
    persistent values such as batch normalization's running means)."""
    collected = serializers.DictionarySerializer()
    collected.save(link)
    return {name: np.shape(value) for name, value in collected.target.items()}


def checksum_path(path):
    return Path(f'{path}.sha256')


def save(path, link):
    """Save *link*'s arrays to *path* (``.npz``) and its SHA-256 beside it; return the hash."""
    path = Path(path)
    if path.suffix != '.npz':
        raise DataError(f'a saved model must end in .npz, not {path.name}')
    with atomic_path(path) as tmp, open(tmp, 'wb') as handle:  # a name would get .npz added
        serializers.save_npz(handle, link)
    digest = sha256_of(path.read_bytes())
    atomic_write(checksum_path(path), lambda handle: handle.write(f'{digest}  {path.name}\n'))
    return digest


def expected_sha256(path):
    """The hash recorded beside *path* when it was saved, or None."""
    sidecar = checksum_path(path)
    return (sidecar.read_text().split() or [''])[0] if sidecar.is_file() else None


def load(path, link, sha256=None):
    """Copy the arrays of *path* into *link*, after checking them; return *link*.

    *sha256* (else the ``.sha256`` file written by :func:`save`, if any) must
    match the file's bytes.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f'saved model {path} does not exist')
    sha256 = sha256 or expected_sha256(path)
    if sha256 is not None:
        check_sha256(path.read_bytes(), sha256, path)
    arrays = load_weights(path)
    problems = mismatches(layout(link), {name: value.shape for name, value in arrays.items()})
    if problems:
        raise DataError(f'saved model {path} does not fit {type(link).__name__}: '
                        + '; '.join(problems))
    serializers.NpzDeserializer(arrays).load(link)
    return link


def mismatches(expected, found):
    """What differs between two ``{name: shape}`` layouts, as short phrases."""
    def names(keys):
        keys = sorted(keys)
        return ', '.join(keys[:MAX_NAMES]) + (f' and {len(keys) - MAX_NAMES} more'
                                              if len(keys) > MAX_NAMES else '')
    problems = []
    if missing := expected.keys() - found.keys():
        problems.append(f'missing {names(missing)}')
    if extra := found.keys() - expected.keys():
        problems.append(f'unexpected {names(extra)}')
    problems += [f'{name} has shape {found[name]}, expected {expected[name]}'
                 for name in sorted(expected.keys() & found.keys())
                 if tuple(found[name]) != tuple(expected[name])][:MAX_NAMES]
    return problems
