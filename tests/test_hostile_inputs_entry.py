"""Hostile input through the program entry: one line on stderr, exit code 2, nothing left.

Each case runs a command as a user would.  A run that fails before its first
record (out of memory, say) takes back its run folder; a refused flag writes
nothing; every ``netlib`` command, a registered one too, reports a damaged
file in one line that names it; a damaged cache entry is decoded anew.
"""

import os
import resource
import subprocess
import sys

import pytest

from conftest import ROOT

# Room for the imports of an experiment, not for the arrays these requests need.
MEMORY_LIMIT = 3 * 2 ** 30


def run_command(module, *args, memory=None, env=None):
    """``python -m MODULE ARGS``, with its address space limited to *memory* bytes."""
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return subprocess.run([sys.executable, '-m', module, *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          preexec_fn=limit_memory if memory else None,
                          env={**os.environ, **(env or {})})


def assert_one_line_error(result, expected=''):
    assert result.returncode == 2, result.stdout + result.stderr
    assert 'Traceback' not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


# -- a run that fails before its first record takes back its run folder -------------

def test_a_run_out_of_memory_leaves_no_run_folder(tmp_path):
    result = run_command('experiments.char_lm', '--bproplen', 1_000_000_000, '--iteration', 1,
                         '--out', tmp_path / 'run', memory=MEMORY_LIMIT)
    assert_one_line_error(result, 'not enough memory')
    assert list(tmp_path.iterdir()) == []


def test_a_batch_too_large_for_memory_leaves_no_run_folder(tmp_path, data_dir):
    result = run_command('experiments.mnist_cnn', '--batchsize', 60000, '--epoch', 1,
                         '--test-size', 100, '--data-dir', data_dir,
                         '--out', tmp_path / 'run', memory=MEMORY_LIMIT)
    assert_one_line_error(result, 'not enough memory')
    assert list(tmp_path.iterdir()) == []


# -- a network that does not fit the window is refused before anything is written ----

@pytest.mark.parametrize('args, expected', [
    (['--kernel', 100], 'does not fit in a 64-bit window'),
    (['--pool', 1000], 'wider than the'),
    (['--train-windows', 10, '--batchsize', 100], 'larger than the 20 training'),
])
def test_byte_cnn_refuses_a_network_or_batch_that_does_not_fit(args, expected, tmp_path,
                                                                data_dir):
    result = run_command('experiments.byte_cnn', *args, '--epoch', 1, '--test-windows', 10,
                         '--data-dir', data_dir, '--out', tmp_path / 'run')
    assert_one_line_error(result, expected)
    assert list(tmp_path.iterdir()) == []
