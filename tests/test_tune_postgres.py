"""Two `netlib tune` workers on one study in a real PostgreSQL server, started here.

Debian's postgresql package (15 on these machines) puts initdb and pg_ctl in
/usr/lib/postgresql/VERSION/bin. Skipped, saying why, only where no server
can be started (no PostgreSQL, no psycopg2); initdb refuses root, so root
runs it as user postgres.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from test_tune import check_shared, workers

# The newest Debian PostgreSQL, else one on PATH.
POSTGRES_BIN = next((path.parent for path in sorted(
    Path('/usr/lib/postgresql').glob('*/bin/initdb'), key=lambda p: int(p.parts[-3]))[::-1]),
    Path(shutil.which('initdb') or '/nonexistent/initdb').parent)


@pytest.fixture
def postgres():
    """The URL of a PostgreSQL server started for the test (as user postgres when
    root: initdb refuses root), stopped and removed after it."""
    if not (POSTGRES_BIN / 'initdb').exists():
        pytest.skip('no PostgreSQL server found (initdb): apt-get install postgresql')
    pytest.importorskip('psycopg2', reason='psycopg2-binary is not installed')
    as_user = ['runuser', '-u', 'postgres', '--'] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix='netlib-postgres-'))
    if as_user:
        shutil.chown(folder, 'postgres', 'postgres')
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    pg_ctl = [*as_user, str(POSTGRES_BIN / 'pg_ctl'), '-D', str(folder / 'data')]
    try:
        subprocess.run([*as_user, str(POSTGRES_BIN / 'initdb'), '-D', str(folder / 'data'),
                        '-U', 'postgres', '-A', 'trust'], check=True, capture_output=True,
                       timeout=60)
        subprocess.run([*pg_ctl, '-l', str(folder / 'log'), '-w', '-o',
                        f'-p {port} -k {folder} -c listen_addresses=127.0.0.1', 'start'],
                       check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as error:
        output = getattr(error, 'stderr', b'') or b''
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f'cannot start a PostgreSQL server: {error} {output.decode()[-300:]}')
    try:
        yield f'postgresql://postgres@127.0.0.1:{port}/postgres'
    finally:
        subprocess.run([*pg_ctl, '-m', 'immediate', 'stop'], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_two_workers_share_one_postgresql_study(data_dir, tmp_path, monkeypatch, postgres):
    monkeypatch.setenv('NETLIB_DATA_DIR', str(data_dir))
    out = tmp_path / 'study'
    pids = workers(out, postgres)
    check_shared(out, postgres, pids)
