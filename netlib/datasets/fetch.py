"""The one download helper of the project, shared by MNIST and the book weights.

Downloads are rare (first use on a new machine) and must never leave a half-written
or tampered file behind: the body is checked against a pinned SHA-256 before it is
written to a temporary file and moved into place with :func:`os.replace`.
"""

import gzip
import hashlib
import http.client
import os
import urllib.request
import zlib
from pathlib import Path

from netlib.errors import DataError
from netlib.files import atomic_path

TIMEOUT_S = 60


def resolve_data_dir(data_dir=None):
    """The data folder: ``--data-dir``, else ``$NETLIB_DATA_DIR``, else the folder named
    once with ``netlib data use``, else a user cache (downloads land there when online).

    The cache (``$XDG_CACHE_HOME/netlib`` or ``~/.cache/netlib``) is per user so that
    downloads never land inside the repository.
    """
    for where, value in data_sources(data_dir)[:-1]:
        if value:
            folder = Path(value).expanduser()
            if not folder.is_dir():  # a typo should not start a 50 MB download elsewhere
                raise DataError(f"{where} {folder} is not a folder")
            return folder
    return user_cache()


def data_sources(data_dir=None):
    """``(where, value or None)`` of each place the data folder is looked for, in order."""
    remembered = remembered_data_file()
    return [("--data-dir", data_dir),
            ("NETLIB_DATA_DIR", os.environ.get("NETLIB_DATA_DIR")),
            ("netlib data use's folder",
             remembered.read_text().strip() if remembered.is_file() else None),
            ("the per-user cache", str(user_cache()))]


def remembered_data_file():
    """Where ``netlib data use FOLDER`` keeps FOLDER: ``$XDG_CONFIG_HOME/netlib/data-dir``."""
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "netlib" / "data-dir"


def remember_data_dir(folder):
    """Name the data folder once for every later run of this user; returns it, absolute."""
    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder")
    _write_atomically(remembered_data_file(), f"{folder}\n".encode())
    return folder


def user_cache():
    """netlib's folder in the user's cache: ``$XDG_CACHE_HOME/netlib`` or ``~/.cache/netlib``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "netlib"


def sha256_of(data):
    """Hex SHA-256 of ``data``: the form the pinned tables use."""
    return hashlib.sha256(data).hexdigest()


def gunzip(data, name):
    """Decompress gzip ``data``; a truncated or corrupt file becomes a DataError.

    ``gzip.BadGzipFile`` is an ``OSError``; a cut-off stream raises ``EOFError`` and a
    damaged one ``zlib.error``.
    """
    if not data:
        raise DataError(f"{name} is empty, not a gzip file")
    try:
        return gzip.decompress(data)
    except (EOFError, OSError, zlib.error) as err:
        raise DataError(f"{name} is not a valid gzip file ({err})") from err


def check_sha256(data, sha256, name):
    """Refuse ``data`` unless its SHA-256 is the pinned ``sha256``."""
    actual = sha256_of(data)
    if actual != sha256:
        raise DataError(
            f"{name} has SHA-256 {actual}, expected {sha256}: the file is corrupt or "
            "not the expected one")


def download(url, dest, sha256, *, gunzip_body=False):
    """Fetch ``url`` into ``dest`` and return ``dest`` once its bytes match ``sha256``.

    With ``gunzip_body`` the body is decompressed first and ``sha256`` is that of the
    decompressed bytes (MNIST pins those because the .gz headers carry timestamps).
    Any network failure becomes a DataError, so callers can explain what to do offline.
    """
    dest = Path(dest)
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            body = response.read()
    except (OSError, http.client.HTTPException) as err:
        raise DataError(f"download of {url} failed ({err})") from err
    if gunzip_body:
        body = gunzip(body, url)
    check_sha256(body, sha256, f"the download of {url}")
    _write_atomically(dest, body)
    return dest


def _write_atomically(dest, data):
    """Write ``data`` to ``dest`` so that readers never see a partial file."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(dest) as tmp:
            Path(tmp).write_bytes(data)
    except OSError as err:
        raise DataError(f"cannot write {dest} ({err})") from err