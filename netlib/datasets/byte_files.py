"""JPEG and program files found on the machine, and the source group each was made from.

Windows of one file are alike, and so are the files made from one source (a
photo and its re-encodings at other sizes and qualities; ``cli-32.exe``,
``cli-64.exe`` and ``cli-arm64.exe``, one launcher built for three machines):
:func:`source_group` names a file's group.  Files with identical bytes count
as one (setuptools' ``cli.exe`` is a copy of ``cli-32.exe``).
"""

import hashlib
import re
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

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
