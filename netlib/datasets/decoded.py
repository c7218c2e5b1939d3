"""Data files decoded once: the array of a compressed file, kept as ``.npy`` in the user cache.

Decompressing gzipped images costs every run more than loading and checking a
kept array.  An entry is named by the SHA-256 of the compressed file, so a changed file is
decoded anew, and each load is checked again by the caller (MNIST: against
the pinned checksum), so a damaged entry is decoded anew rather than used.
The cache is ``$XDG_CACHE_HOME/netlib/decoded`` (``~/.cache/netlib/decoded``);
where it cannot be written, files are decoded every time.
"""

import math
import os

import numpy as np

from netlib.datasets.fetch import sha256_of, user_cache
from netlib.files import atomic_path

# np.save writes format 1.0, or 2.0 for a header over 64 KiB.
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0,
                   (2, 0): np.lib.format.read_array_header_2_0}


# MNIST: decompressing took 0.17 s of every run (0.14 s the training set); loading the
# kept array and checking it takes 0.05 s.
def decoded(compressed, decode, check):
    """``decode()``'s array for the file bytes *compressed*, from the cache when ``check``
    passes on the kept one; a fresh decode is kept for next time."""
    path = user_cache() / "decoded" / f"{sha256_of(compressed)}.npy"
    try:
        array = _kept(path)
        if check(array):
            return array
    except (OSError, ValueError):  # no entry yet, or a damaged one
        pass
    array = decode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.save(handle, array, allow_pickle=False)
    except OSError:
        pass  # a read-only home: decode every time
    return array


def _kept(path):
    """The array kept at *path*; ValueError where the entry is damaged.

    Its header is checked against the bytes after it before anything is read,
    so an entry cut short (even to nothing) or claiming a larger shape than it
    holds is decoded anew instead of failing (or filling memory) on every run.
    """
    with open(path, "rb") as handle:
        version = np.lib.format.read_magic(handle)  # ValueError on an empty file too
        if version not in _HEADER_READERS:
            raise ValueError(f"{path}: .npy format {version} is not one netlib writes")
        shape, _, dtype = _HEADER_READERS[version](handle)
        held = os.fstat(handle.fileno()).st_size - handle.tell()
        if dtype.hasobject or math.prod(shape) * dtype.itemsize != held:
            raise ValueError(f"{path}: its header does not describe the {held} bytes after it")
        handle.seek(0)
        return np.lib.format.read_array(handle, allow_pickle=False)
