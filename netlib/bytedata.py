"""Is this a JPEG or a program?  Bit windows cut from real files, split by file.

palloc's CNN post classifies 8 bytes (64 bits) taken from JPEG images and from
Windows ``.exe`` files.  This module builds that data set from files found on
the machine:

* JPEGs: the photos Python packages ship (matplotlib's ``grace_hopper.jpg``,
  scikit-learn's ``china.jpg`` and ``flower.jpg``) plus JPEGs that Pillow
  encodes from them and from MNIST digits at several sizes and qualities;
* programs: the Windows launchers that setuptools and pip ship
  (``cli-64.exe``, ``t64.exe``, ...), PE files that start with ``MZ``.

Train and test windows come from different *files*: windows of one file are
alike, so a split by window would test on files the network has already seen.
Files with identical bytes count as one (setuptools' ``cli.exe`` is a copy of
``cli-32.exe``).
"""

import hashlib
import io
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from chainer.datasets import TupleDataset

from netlib.errors import DataError


@dataclass(frozen=True)
class FileKind:
    """A class of the data set: its name, file suffixes and leading magic bytes."""

    name: str
    suffixes: tuple
    magic: bytes
    flag: str

    def describe(self):
        suffixes = ' or '.join(f'*{suffix}' for suffix in self.suffixes)
        return f'{suffixes} starting with {self.magic.hex(" ").upper()}'


JPEG = FileKind('jpeg', ('.jpg', '.jpeg'), b'\xff\xd8\xff', '--jpeg-dir')
EXE = FileKind('exe', ('.exe',), b'MZ', '--exe-dir')
KINDS = (JPEG, EXE)  # the label of a window is its kind's index here


@dataclass(frozen=True)
class ByteFile:
    """A file's bytes, named by its path below the folder it was found in."""

    name: str
    data: bytes = field(repr=False)


def site_packages():
    """The folder this Python installs packages into (the venv's, in a venv)."""
    return Path(sysconfig.get_paths()['purelib'])


def find_files(folders, kind, window):
    """Every *kind* file below *folders* holding at least *window* bytes, sorted by name.

    Files whose bytes repeat an earlier one's are dropped; the second value
    maps each dropped name to the name it duplicates.
    """
    kept, duplicates, seen = [], {}, {}
    for folder in folders:
        for path in sorted(_files_below(folder, kind)):
            try:
                data = path.read_bytes()
            except OSError as error:
                raise DataError(f'{kind.flag}: cannot read {path} ({error.strerror})') from None
            if len(data) < window or not data.startswith(kind.magic):
                continue
            name = str(path.relative_to(folder))
            digest = hashlib.sha256(data).digest()
            if digest in seen:
                duplicates[name] = seen[digest]
                continue
            seen[digest] = name
            kept.append(ByteFile(name, data))
    return sorted(kept, key=lambda file: file.name), duplicates


def _files_below(folder, kind):
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f'{kind.flag} {folder}: no such folder')
    return [path for path in folder.rglob('*')
            if path.suffix.lower() in kind.suffixes and path.is_file()]


def require_two(files, folders, kind):
    """Refuse fewer than two files: a split by file needs one on each side."""
    if len(files) < 2:
        where = ', '.join(str(folder) for folder in folders)
        found = 'no usable file' if not files else f'only one usable file ({files[0].name})'
        raise DataError(f'{kind.flag} {where} holds {found}: looked for {kind.describe()}, '
                        'and a train/test split by file needs at least 2 different files')


def split_by_file(files, test_fraction):
    """(train, test): every file goes to exactly one side, chosen by its place in the sort.

    Test files are spread evenly over the sorted list, so the split is the same
    on every run and does not depend on ``--seed``.
    """
    n_test = min(len(files) - 1, max(1, round(len(files) * test_fraction)))
    test_places = {int((i + 0.5) * len(files) / n_test) for i in range(n_test)}
    train = [file for place, file in enumerate(files) if place not in test_places]
    test = [file for place, file in enumerate(files) if place in test_places]
    return train, test


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


# Sizes and JPEG qualities of the files encoded for the default data set: low
# qualities quantise harder and change the entropy-coded bytes the most.
PHOTO_VARIANTS = [(scale, quality) for scale in (0.5, 1.0) for quality in (40, 80)]
DIGIT_VARIANTS = [(tiles, scale, quality) for tiles in (4, 8) for scale in (1, 2, 3)
                  for quality in (30, 60, 90)]


def encode_jpegs(photos, digits):
    """JPEG files encoded by Pillow, as ByteFiles named ``encoded/...``.

    *photos* (ByteFiles of real JPEGs) are re-encoded at each ``PHOTO_VARIANTS``
    size and quality; *digits*, (N, 28, 28) uint8 MNIST images, are tiled into
    square sheets of distinct digits for each ``DIGIT_VARIANTS`` entry.
    """
    from PIL import Image  # Pillow comes with matplotlib

    encoded = []
    for photo in photos:
        image = Image.open(io.BytesIO(photo.data)).convert('RGB')
        for scale, quality in PHOTO_VARIANTS:
            size = (round(image.width * scale), round(image.height * scale))
            name = f'{Path(photo.name).stem}-x{scale:g}-q{quality}.jpg'
            encoded.append(_encode(image.resize(size, Image.BILINEAR), quality, name))
    first = 0
    for tiles, scale, quality in DIGIT_VARIANTS:
        sheet = Image.fromarray(_tile(digits[first:first + tiles * tiles], tiles))
        size = (sheet.width * scale, sheet.height * scale)
        name = f'mnist-{first:04d}-{first + tiles * tiles - 1:04d}-x{scale}-q{quality}.jpg'
        encoded.append(_encode(sheet.resize(size, Image.BILINEAR), quality, name))
        first += tiles * tiles
    return encoded


def digits_needed():
    """How many MNIST digits :func:`encode_jpegs` tiles (each is used once)."""
    return sum(tiles * tiles for tiles, _, _ in DIGIT_VARIANTS)


def _tile(images, tiles):
    """(tiles*tiles, 28, 28) -> one (28*tiles, 28*tiles) sheet, row by row."""
    height, width = images.shape[1:]
    return images.reshape(tiles, tiles, height, width).swapaxes(1, 2).reshape(
        tiles * height, tiles * width)


def _encode(image, quality, name):
    buffer = io.BytesIO()
    image.save(buffer, format='JPEG', quality=quality)
    return ByteFile(f'encoded/{name}', buffer.getvalue())
