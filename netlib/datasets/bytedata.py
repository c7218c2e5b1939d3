"""Is this a JPEG or a program?  Bit windows cut from real files, split by source.

palloc's CNN post classifies 8 bytes (64 bits) taken from JPEG images and from
Windows ``.exe`` files.  This module builds that data set from files found on
the machine:

* JPEGs: the photos Python packages ship (matplotlib's ``grace_hopper.jpg``,
  scikit-learn's ``china.jpg`` and ``flower.jpg``) plus JPEGs that Pillow
  encodes from them and from MNIST digits at several sizes and qualities;
* programs: the Windows launchers that setuptools and pip ship
  (``cli-64.exe``, ``t64.exe``, ...), PE files that start with ``MZ``.

Train and test windows come from different *source groups*, not just different
files: windows of one file are alike, and so are the files made from one source
(a photo and its re-encodings at other sizes and qualities; ``cli-32.exe``,
``cli-64.exe`` and ``cli-arm64.exe``, one launcher built for three machines).
A split by window, or by file, would test on sources the network has already
seen.  :func:`source_group` names a file's group; :func:`split_by_group` keeps
every group on one side.  Files with identical bytes count as one (setuptools'
``cli.exe`` is a copy of ``cli-32.exe``).

:func:`load_files` finds both classes' files (the defaults above, or the
folders given), :func:`windows_by_source` cuts the balanced train and test
windows from a split by source and prints that split.
"""

import hashlib
import io
import re
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from chainer.datasets import TupleDataset

from netlib.datasets.mnist import load_mnist
from netlib.errors import DataError
from netlib.files import atomic_path


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


def usable_files(folder, kind, window, two_sources=True):
    """The distinct *kind* files below *folder* (see :func:`find_files`); prints the
    duplicates it skips.  With *two_sources*, refuses fewer than two source groups."""
    files, duplicates = find_files([folder], kind, window)
    if two_sources:
        require_two(files, folder, kind)
    for name, original in duplicates.items():
        print(f'skipping {name}: same bytes as {original}')
    return files


def save_encoded(folder, files):
    """Write the encoded JPEGs among *files* below *folder*, so their listed names open."""
    for file in files:
        if file.name.startswith('encoded/'):
            path = Path(folder) / file.name
            path.parent.mkdir(exist_ok=True)
            with atomic_path(path) as tmp:
                Path(tmp).write_bytes(file.data)


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


# A JPEG re-encoded by encode_jpegs: SOURCE-x<scale>-q<quality>.jpg.
_REENCODED = re.compile(r'(?P<source>.+)-x[0-9.]+-q[0-9]+')
# A launcher built for one machine: cli-32, cli-arm64, t64, w64-arm, gui-64 ...
# (without a dash, a number right after another digit is part of the name: exe-032
# stays whole, python3-64 is python3).
_BUILT_FOR = re.compile(r'(?P<source>.+?)(?:-(?:32|64)|(?<![0-9])(?:32|64))?(?:-arm(?:64)?)?')


def source_group(name, kind):
    """The source a file of *kind* called *name* was made from; files of one source are alike.

    JPEGs: the file name's stem less an ``-x<scale>-q<quality>`` re-encoding
    suffix, so ``grace_hopper.jpg`` and ``encoded/grace_hopper-x0.5-q40.jpg``
    are one group, and each MNIST sheet (its own range of digits) is one.
    Programs: the stem less a ``-32``/``-64``/``-arm``/``-arm64`` machine suffix
    (``cli-32``, ``cli-64``, ``cli-arm64`` -> ``cli``; ``t32``, ``t64-arm`` -> ``t``).
    Folders are ignored, so same-named files in two folders are one group.
    """
    stem = Path(name).stem.lower()
    pattern = _REENCODED if kind is JPEG else _BUILT_FOR
    match = pattern.fullmatch(stem)
    return match['source'] if match else stem


def group_files(files, kind):
    """{source group: its files}, groups sorted by name (files keep their order)."""
    groups = {}
    for file in files:
        groups.setdefault(source_group(file.name, kind), []).append(file)
    return dict(sorted(groups.items()))


def require_two(files, where, kind):
    """Refuse fewer than two source groups: a split by source needs one on each side."""
    groups = group_files(files, kind)
    if len(groups) < 2:
        if not files:
            found = 'no usable file'
        elif len(files) == 1:
            found = f'only one usable file ({files[0].name})'
        else:
            found = (f'{len(files)} usable files but all from one source '
                     f'({next(iter(groups))}: re-encodings or builds of one file)')
        raise DataError(f'{kind.flag} {where} holds {found}: looked for {kind.describe()}, '
                        'and a train/test split by source needs files from at least 2 '
                        'distinct source files')


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


# Sizes and JPEG qualities of the files encoded for the default data set: low
# qualities quantise harder and change the entropy-coded bytes the most.
PHOTO_VARIANTS = [(scale, quality) for scale in (0.5, 1.0) for quality in (40, 80)]
DIGIT_VARIANTS = [(tiles, scale, quality) for tiles in (4, 8) for scale in (1, 2, 3)
                  for quality in (30, 60, 90)]


def encode_jpegs(photos, digits):
    """JPEG files encoded by Pillow, as ByteFiles named ``encoded/...``.

    *photos* (ByteFiles of real JPEGs) are re-encoded at each ``PHOTO_VARIANTS``
    size and quality, named ``STEM-x<scale>-q<quality>.jpg`` so that
    :func:`source_group` puts them with their photo; *digits*, (N, 28, 28)
    uint8 MNIST images, are tiled into square sheets of distinct digits, one
    sheet (and so one source group) per ``DIGIT_VARIANTS`` entry.
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
