"""The README's first commands in a fresh shell after ``make install``, offline: the data
folder named once (``netlib data use``), then a run and the Python examples as written;
``netlib doctor`` names each place it looked for the data and how to set it."""

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

NETLIB = str(Path(sys.prefix) / 'bin' / 'netlib')


def _fresh_shell(tmp_path):
    """The environment of a new login: no NETLIB_DATA_DIR, a home of its own."""
    env = {key: value for key, value in os.environ.items()
           if key not in ('NETLIB_DATA_DIR', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME')}
    return {**env, 'HOME': str(tmp_path / 'home')}


def _readme_python_examples():
    """The ``python`` blocks of the README's "From Python" section, one after the other."""
    section = (ROOT / 'README.md').read_text().split('## From Python', 1)[1].split('\n## ')[0]
    return ''.join(re.findall(r'```python\n(.*?)```', section, re.S))


def test_named_once_the_data_serves_every_later_run(tmp_path, data_dir):
    env, shell = _fresh_shell(tmp_path), dict(cwd=tmp_path, capture_output=True, text=True)
    named = subprocess.run([NETLIB, 'data', 'use', str(data_dir)], env=env, timeout=120, **shell)
    assert named.returncode == 0, named.stderr
    assert (tmp_path / 'home' / '.config' / 'netlib' / 'data-dir').read_text().strip() == \
        str(data_dir.resolve())
    run = subprocess.run([NETLIB, 'run', 'mnist_mlp', '--epoch', '1', '--unit', '100',
                          '--train-size', '1000', '--test-size', '500', '--out', 'run'],
                         env=env, timeout=300, **shell)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / 'run' / 'metrics.json').exists()
    example = subprocess.run([sys.executable, '-c', _readme_python_examples()], env=env,
                             timeout=300, **shell)
    assert example.returncode == 0, example.stderr
    printed = example.stdout.splitlines()  # the runs' tables, then what the example prints
    accuracies = [float(line) for line in printed if re.fullmatch(r'[\d.]+', line)]
    assert len(accuracies) == 2 and all(0.8 < accuracy <= 1 for accuracy in accuracies)
    assert printed[-1] == "argument --lr: must be a positive finite number, got '-1' (see --help)"
    assert (tmp_path / 'runs' / 'mnist_mlp_notebook' / 'metrics.json').exists()

    doctor = subprocess.run([NETLIB, 'doctor'], env=env, timeout=120, **shell).stdout
    assert f"3 netlib data use's folder {data_dir.resolve()}  <- used" in doctor
    assert '2 NETLIB_DATA_DIR          not set' in doctor
    assert 'set it once: netlib data use FOLDER' in doctor


def test_a_named_folder_that_is_gone_is_one_line(tmp_path):
    env = _fresh_shell(tmp_path)
    (tmp_path / 'data').mkdir()
    subprocess.run([NETLIB, 'data', 'use', str(tmp_path / 'data')], env=env, check=True,
                   capture_output=True, timeout=120)
    (tmp_path / 'data').rmdir()
    run = subprocess.run([NETLIB, 'run', 'mnist_mlp', '--out', str(tmp_path / 'run')], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stderr.count('\n') == 1, run.stderr
    assert f"netlib data use's folder {tmp_path / 'data'} is not a folder" in run.stderr
    assert not (tmp_path / 'run').exists()
