"""Load trained weights as a dict of arrays, without ever running code from a file.

``.npz`` files are read with ``allow_pickle=False``. ``.pkl`` files (the format of the
book "Deep Learning from Scratch") go through :mod:`netlib.serializers.array_pickle`,
which rebuilds numpy arrays and nothing else, because a plain ``pickle.load``
executes whatever the file asks for.
"""

from pathlib import Path

import numpy as np

from netlib.datasets import fetch
from netlib.errors import DataError
from netlib.serializers.array_pickle import unpickle_arrays

__all__ = ["BOOK_WEIGHTS_SHA256", "BOOK_WEIGHTS_URL", "load_weights", "book_weights_path"]

BOOK_WEIGHTS_SHA256 = {
    "sample_weight.pkl":
        "b7f55a27988ba34c3777b0f1bbd464817c8a4db855723e6ff26f703501917a13",
    "sample_weight.npz":
        "4097a45e98620d0ace0358e831100346aa01fe3a86041a0e06a3590d697f5dac",
}

BOOK_WEIGHTS_URL = ("https://github.com/oreilly-japan/deep-learning-from-scratch/"
                    "raw/master/ch03/sample_weight.pkl")

def load_weights(path):
    """The arrays of a ``.npz`` or ``.pkl`` weight file as ``{name: ndarray}``."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"weight file {path} does not exist")
    loaders = {".npz": _load_npz, ".pkl": _load_pickle}
    if path.suffix not in loaders:
        raise DataError(f"weight file {path} must end in .npz or .pkl, not "
                        f"{path.suffix or 'nothing'}")
    return _check_arrays(loaders[path.suffix](path), path)


def _load_npz(path):
    """Every array of an npz archive; object arrays fail since pickling is off.

    A damaged zip raises many kinds of error (zipfile alone has BadZipFile,
    NotImplementedError for unknown flags, RuntimeError for "encrypted"; the
    fuzz tests found them), so all but our own refusal become one DataError.
    """
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise DataError(f"weight file {path} holds a single .npy array, expected "
                            "an npz archive of named arrays")
        with archive:
            return {name: archive[name] for name in archive.files}
    except DataError:
        raise
    except Exception as err:  # noqa: BLE001 -- see docstring
        raise DataError(f"cannot load weight file {path} ({err})") from err


def _load_pickle(path):
    """Unpickle ``path`` through :func:`unpickle_arrays`.

    A corrupt pickle can raise almost any exception, so all but our own refusal are
    turned into one DataError.
    """
    try:
        return unpickle_arrays(path.read_bytes())
    except DataError:
        raise
    except Exception as err:  # noqa: BLE001 -- see docstring
        raise DataError(f"cannot unpickle weight file {path} ({err})") from err


def _check_arrays(weights, path):
    """Refuse anything but a non-empty dict of plain arrays keyed by strings."""
    if not isinstance(weights, dict) or not weights:
        raise DataError(f"weight file {path} holds a {type(weights).__name__}, "
                        "expected a non-empty dict of arrays")
    for name, value in weights.items():
        if not isinstance(name, str) or not isinstance(value, np.ndarray):
            raise DataError(f"weight file {path} maps {name!r} to a "
                            f"{type(value).__name__}, expected an array")
        if value.dtype.hasobject:
            raise DataError(f"weight file {path} holds object array {name!r}")
    return dict(weights)


def book_weights_path(data_dir=None, download=True):
    """The book's verified weights in ``<data_dir>/dlfs/``; fetches the pkl if absent.

    The npz is preferred because it loads without any unpickling.
    """
    folder = fetch.resolve_data_dir(data_dir) / "dlfs"
    for name in ("sample_weight.npz", "sample_weight.pkl"):
        path = folder / name
        if path.is_file():
            _verify(path)
            return path
    if not download:
        raise _missing(folder, "and downloading is off")
    try:
        return fetch.download(BOOK_WEIGHTS_URL, folder / "sample_weight.pkl",
                              BOOK_WEIGHTS_SHA256["sample_weight.pkl"])
    except DataError as err:
        raise _missing(folder, f"and the download failed: {err}") from err


def _verify(path):
    """Refuse a book weight file whose bytes differ from the published one."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataError(f"cannot read {path} ({err})") from err
    fetch.check_sha256(data, BOOK_WEIGHTS_SHA256[path.name], path)


def _missing(folder, reason):
    """A DataError saying where the book weights were expected and how to add them."""
    return DataError(
        f"book weights sample_weight.npz/.pkl are missing in {folder} {reason}; "
        "put them in a dlfs/ subfolder and name its parent once with "
        "'netlib data use FOLDER' (or --data-dir, NETLIB_DATA_DIR)")
