"""Files written whole or not at all: a temporary name, then a rename.

A kill mid-write leaves the old file or the new one, never half of one.
"""

import contextlib
import json
import os
import tempfile
from pathlib import Path

from netlib.errors import DataError


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
    except OSError as error:  # a folder where the file should be, no permission
        raise DataError(f'cannot read {path} ({error.strerror})') from None
