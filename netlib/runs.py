"""Run folders: ``args``, ``log``, ``metrics.json`` and plots, never overwriting.

``log`` has the shape Chainer's ``LogReport`` writes (a JSON list of records
with ``epoch``, ``iteration`` and ``main/...`` keys) so ChainerUI and the
plotting helpers read hand-written loops and Trainer runs alike.  Every file
is written to a temporary name and renamed, so a kill leaves the old or the
new file, never half of one.
"""

import contextlib
import json
import os
import tempfile
from pathlib import Path

from netlib.errors import DataError, UsageError


def prepare(out, resume=False):
    """The folder this run writes to: *out* itself, or a numbered sibling.

    *out* is used when it is new, empty, or *resume* is set (the caller found a
    snapshot in it to continue); a non-empty one holds an earlier run, so the
    first free ``out-2``, ``out-3``, ... is used.  Names are claimed with an
    exclusive ``mkdir``, so two runs started together never share a folder.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f'--out {out} exists and is a file, not a folder')
    if resume or _claim(out):
        return out
    out = out.resolve()  # '.' and '..' have no name to number
    number = 2
    while not _claim(sibling := out.with_name(f'{out.name}-{number}')):
        number += 1
    print(f'{out} holds an earlier run; writing to {sibling}')
    return sibling


def _claim(folder):
    """Create *folder*, or take it if it exists and is empty; False if it holds files."""
    try:
        folder.mkdir(parents=True)
        return True
    except FileExistsError:
        return folder.is_dir() and not any(folder.iterdir())
    except OSError as error:
        raise UsageError(f'cannot create run folder {folder}: {error.strerror}') from None


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside *path*; rename it to *path* if the block succeeds."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.', suffix='.tmp')
    os.close(fd)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; results are meant to be shared
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def atomic_write(path, write):
    """Call ``write(file_object)`` on a temporary file, then rename it to *path*."""
    with atomic_path(path) as tmp, open(tmp, 'w') as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())


def write_json(path, value):
    atomic_write(path, lambda handle: json.dump(value, handle, indent=4, sort_keys=True))


def read_json(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except ValueError as error:  # json.JSONDecodeError and undecodable bytes
        raise DataError(f'{path} is not valid JSON ({error})') from None


def save_args(out, args):
    """``args``: the command-line namespace, to rerun or compare runs."""
    write_json(Path(out) / 'args', vars(args))


def save_log(out, records):
    write_json(Path(out) / 'log', records)


def save_metrics(out, metrics):
    """``metrics.json``: the final numbers, read by ``make reproduce``; says where."""
    write_json(Path(out) / 'metrics.json', metrics)
    print(f'run folder: {out}')
