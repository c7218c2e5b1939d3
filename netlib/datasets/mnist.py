"""MNIST read from its original IDX files, checked against pinned SHA-256 sums.

Files are looked up in ``<data_dir>/mnist/`` (or directly in ``<data_dir>``), as
``name`` or ``name.gz``; when missing they are downloaded once from a mirror. The sums
are of the uncompressed bytes, because re-gzipped copies differ in their headers.
"""

import hashlib
import math
from pathlib import Path

import numpy as np
from chainer.datasets import TupleDataset

from netlib.datasets import fetch
from netlib.datasets.decoded import decoded
from netlib.datasets.fetch import resolve_data_dir
from netlib.errors import DataError, UsageError

__all__ = ["SHA256", "MIRROR", "resolve_data_dir", "parse_idx", "read_idx_file",
           "load_mnist", "get_mnist", "missing_files"]

MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/"

SHA256 = {
    "train-images-idx3-ubyte":
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte":
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte":
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte":
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

SHAPES = {"flat": (-1, 784), "image": (-1, 1, 28, 28)}

# IDX magic numbers: two zero bytes, type 0x08 (uint8), number of dimensions.
IDX_LABELS, IDX_IMAGES = 0x00000801, 0x00000803


def parse_idx(raw_bytes, name):
    """Parse an IDX uint8 file into a read-only array without copying the data.

    Every header field is checked, because a mismatched file would otherwise be
    reshaped silently into garbage. ``name`` only labels the error messages.
    """
    magic = _header_int(raw_bytes, 0, name)
    if magic not in (IDX_LABELS, IDX_IMAGES):
        raise DataError(
            f"{name} has magic number 0x{magic:08x}, expected 0x{IDX_IMAGES:08x} "
            f"(IDX images) or 0x{IDX_LABELS:08x} (IDX labels)")
    ndim = magic & 0xFF
    dims = tuple(_header_int(raw_bytes, 4 + 4 * i, name) for i in range(ndim))
    if 0 in dims:
        raise DataError(f"{name} has a zero dimension in its shape {dims}")
    offset, size = 4 + 4 * ndim, math.prod(dims)
    found = len(raw_bytes) - offset
    if found < size:
        raise DataError(f"{name} is truncated: shape {dims} needs {size} data bytes, "
                        f"found {found}")
    if found > size:
        raise DataError(f"{name} has {found - size} trailing bytes after its "
                        f"{dims} data")
    return np.frombuffer(raw_bytes, np.uint8, size, offset).reshape(dims)


def _header_int(raw_bytes, offset, name):
    """The big-endian uint32 at ``offset``; DataError if the header is cut short."""
    field = raw_bytes[offset:offset + 4]
    if len(field) < 4:
        raise DataError(f"{name} is truncated: {len(raw_bytes)} bytes end inside the "
                        "IDX header")
    return int.from_bytes(field, "big")


def read_idx_file(path, verify=True):
    """Read, gunzip if ``.gz``, check the pinned SHA-256 and parse one MNIST file.

    A checked ``.gz`` file is decompressed once; later runs load its array from
    :mod:`netlib.datasets.decoded`, checked against the same pinned sum.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise DataError(f"cannot read {path} ({err})") from err
    name = path.name.removesuffix(".gz")
    if verify and name not in SHA256:
        raise DataError(f"{path} is not an MNIST file name; no checksum is pinned for it")
    if path.suffix == ".gz" and verify:
        return decoded(raw, lambda: _parse(raw, path, verify),
                       lambda array: idx_sha256(array) == SHA256[name])
    return _parse(raw, path, verify)


def _parse(raw, path, verify):
    if path.suffix == ".gz":
        raw = fetch.gunzip(raw, path)
    if verify:
        fetch.check_sha256(raw, SHA256[path.name.removesuffix(".gz")], path)
    return parse_idx(raw, path)


def idx_sha256(array):
    """The SHA-256 of the IDX file *array* was parsed from: its header, then its bytes."""
    header = (0x0800 | array.ndim, *array.shape)
    digest = hashlib.sha256(b"".join(number.to_bytes(4, "big") for number in header))
    digest.update(np.ascontiguousarray(array))
    return digest.hexdigest()


def load_mnist(data_dir=None, split="train", scale=True, shape="flat", limit=None,
               download=True, verify=True):
    """Return ``(x, t)`` for one split: images and int32 labels.

    ``x`` is float32 in [0, 1] when ``scale``, else a writable uint8 copy; ``shape`` is
    ``'flat'`` (N, 784) or ``'image'`` (N, 1, 28, 28); ``limit`` keeps the first
    examples. ``verify=False`` skips the checksum, for files that are known to differ.
    """
    _check_options(split, shape, limit)
    folder = resolve_data_dir(data_dir)
    image_name, label_name = FILES[split]
    images = _load(folder, image_name, download, verify)
    labels = _load(folder, label_name, download, verify)
    _check_pair(images, labels, image_name, label_name)
    x = images[:limit].reshape(SHAPES[shape])
    if scale:
        x = x.astype(np.float32)
        x /= 255
    else:
        x = x.copy()
    return x, labels[:limit].astype(np.int32)


def get_mnist(data_dir=None, scale=True, shape="flat", train_limit=None, test_limit=None,
              download=True, verify=True):
    """``(train, test)`` TupleDatasets of (image, label), as Chainer's ``get_mnist``.

    Unlike Chainer's loader this one reads local files first and verifies them.
    Cut subsets here (``*_limit``), not by slicing a TupleDataset: a slice is a
    list of tuples, which loses the one-indexing-per-batch path of
    :class:`netlib.iterators.ArrayIterator`.
    """
    options = dict(data_dir=data_dir, scale=scale, shape=shape, download=download,
                   verify=verify)
    return tuple(TupleDataset(*load_mnist(split=split, limit=limit, **options))
                 for split, limit in (("train", train_limit), ("test", test_limit)))


def missing_files(data_dir=None):
    """The MNIST files not in the data folder, as :func:`load_mnist` looks for them."""
    folder = resolve_data_dir(data_dir)
    return [name for name in SHA256 if _find(folder, name) is None]


def _check_options(split, shape, limit):
    """Refuse bad flag values before any file is read."""
    if split not in FILES:
        raise UsageError(f"split must be 'train' or 'test', not {split!r}")
    if shape not in SHAPES:
        raise UsageError(f"shape must be 'flat' or 'image', not {shape!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                              or limit < 1):
        raise UsageError(f"limit must be a positive integer, not {limit!r}")


def _check_pair(images, labels, image_name, label_name):
    """Refuse files that parse but do not form an MNIST split."""
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise DataError(f"{image_name} holds data of shape {images.shape}, expected "
                        "28x28 images")
    if labels.ndim != 1:
        raise DataError(f"{label_name} holds data of shape {labels.shape}, expected "
                        "one label per image")
    if len(images) != len(labels):
        raise DataError(f"{image_name} has {len(images)} images but {label_name} has "
                        f"{len(labels)} labels")
    if labels.max() > 9:
        raise DataError(f"{label_name} holds label {labels.max()}, expected digits 0-9")


def _load(folder, name, download, verify):
    """Parse MNIST file ``name`` from ``folder``, downloading it first if allowed."""
    path = _find(folder, name)
    if path is None:
        if not download:
            raise _missing(folder, name, "and downloading is off")
        path = _download(folder, name)
    return read_idx_file(path, verify)


def _find(folder, name):
    """The first of ``mnist/name``, ``mnist/name.gz``, ``name``, ``name.gz`` present."""
    for base in (folder / "mnist", folder):
        for candidate in (base / name, base / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def _download(folder, name):
    """Fetch ``name`` from the mirror into ``folder/mnist``, stored uncompressed."""
    url = f"{MIRROR}{name}.gz"
    try:
        return fetch.download(url, folder / "mnist" / name, SHA256[name],
                              gunzip_body=True)
    except DataError as err:
        raise _missing(folder, name, f"and the download failed: {err}") from err


def _missing(folder, name, reason):
    """A DataError that says where the file was expected and how to supply it."""
    return DataError(
        f"MNIST file {name}(.gz) is missing in {folder} {reason}; put the four MNIST "
        "files in a folder (or its mnist/ subfolder) and name it once with "
        "'netlib data use FOLDER' (or --data-dir, NETLIB_DATA_DIR)")
