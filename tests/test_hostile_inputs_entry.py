"""Hostile input through the program entry: one line on stderr, exit code 2, nothing left.

Each case runs a command as a user would.  A run that fails before its first
record (out of memory, say) takes back its run folder; a refused flag writes
nothing; every ``netlib`` command, a registered one too, reports a damaged
file in one line that names it; a damaged cache entry is decoded anew.
"""

import gzip
import hashlib
import json
import os
import resource
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from netlib.datasets.mnist import parse_idx

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


def netlib(*args):
    return run_command('netlib.cli.command', *args)


def assert_one_line_error(result, expected=''):
    assert result.returncode == 2, result.stdout + result.stderr
    assert 'Traceback' not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


# -- a run that fails before its first record takes back its run folder -------------

def test_a_run_out_of_memory_leaves_no_run_folder(tmp_path):
    # The run folder is made before the model, whose LSTM of 100,000 units needs 300 GB.
    result = run_command('experiments.char_lm', '--unit', 100_000, '--iteration', 1,
                         '--out', tmp_path / 'run', memory=MEMORY_LIMIT)
    assert_one_line_error(result, 'not enough memory')
    assert list(tmp_path.iterdir()) == []


def test_a_batch_too_large_for_memory_leaves_no_run_folder(tmp_path, data_dir):
    result = run_command('experiments.mnist_cnn', '--batchsize', 60000, '--epoch', 1,
                         '--test-size', 100, '--data-dir', data_dir,
                         '--out', tmp_path / 'run', memory=MEMORY_LIMIT)
    assert_one_line_error(result, 'not enough memory')
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize('args', [['--window', 1_000_000], ['--window', 20_000, '--unit', 5000],
                                  ['--unit', 1_000_000], ['--batchsize', 1_000_000]])
def test_word2vec_refuses_windows_too_large_for_memory_before_allocating(args, tmp_path):
    """--window 1000000 was killed by the kernel at 24 GB after 140 s, without a word: its
    windows and a batch's context vectors are estimated from the request first."""
    result = run_command('experiments.word2vec', *args, '--out', tmp_path / 'run',
                         memory=MEMORY_LIMIT)
    assert_one_line_error(result, f'{args[0]} {args[1]}')
    assert 'needs about ' in result.stderr
    assert 'GiB are available' in result.stderr
    assert list(tmp_path.iterdir()) == []


def _text_of_distinct_words(path, count):
    """A text of *count* distinct words of four letters, each twice, twenty words a line."""
    letters = 'abcdefghijklmnopqrstuvwxyz'
    words = [a + b + c + d for a in letters for b in letters for c in letters
             for d in letters][:count] * 2
    path.write_text('\n'.join(' '.join(words[i:i + 20]) for i in range(0, len(words), 20)))
    return path


@pytest.mark.parametrize('args, needed', [
    (['--repeats', 1000, '--unit', 2000], 130.9),  # each seed's models
    (['--min-count', 1, '--text', 'TEXT'], 36.2),  # 40,000 words scored against each other
])
def test_word2vec_counts_every_seed_and_the_scores_before_training(args, needed, tmp_path):
    """The estimate counted one seed's models and no scoring: --repeats 1000 --unit 2000 (112 MB
    counted) trained until a MemoryError; a 40,000-word vocabulary passed, trained, then asked
    for 12.8 GB of similarities and left its run folder."""
    text = _text_of_distinct_words(tmp_path / 'text.txt', 40_000)
    args = [text if arg == 'TEXT' else arg for arg in args]
    result = run_command('experiments.word2vec', *args, '--epoch', 1, '--out', tmp_path / 'run',
                         memory=MEMORY_LIMIT)
    assert_one_line_error(result, f'{args[0]} {args[1]}')
    assert f'needs about {needed} GiB of memory' in result.stderr
    assert not (tmp_path / 'run').exists()


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


# -- every netlib command reports a damaged results file in one line -----------------

DAMAGED_RESULTS = {
    'metrics not an object': ('steps_regression_blog/metrics.json', '["loss", 1.0]'),
    'metric not a number': ('steps_regression_blog/metrics.json', '{"loss": "low"}'),
    'texts not an object': ('char_lm/metrics.json', '{"samples": ["The minister"]}'),
    'spread not an object': ('seed_spread.json', '[1, 2]'),
    'spread without metrics': ('seed_spread.json', '{"mnist_mlp": 3}'),
    'spread of words': ('seed_spread.json', '{"mnist_mlp": {"metrics": {"test_accuracy": '
                                            '["high"]}}}'),
}


@pytest.mark.parametrize('case', sorted(DAMAGED_RESULTS))
def test_netlib_report_names_a_damaged_file_in_one_line(case, tmp_path):
    name, text = DAMAGED_RESULTS[case]
    (tmp_path / name).parent.mkdir(exist_ok=True)
    (tmp_path / name).write_text(text)
    assert_one_line_error(netlib('report', '--results', tmp_path), str(tmp_path / name))
    assert not (tmp_path / 'README.md').exists()


def test_netlib_report_names_a_folder_where_metrics_should_be(tmp_path):
    (tmp_path / 'steps_regression_blog' / 'metrics.json').mkdir(parents=True)
    assert_one_line_error(netlib('report', '--results', tmp_path), 'metrics.json')
    assert not (tmp_path / 'README.md').exists()


def test_netlib_list_names_damaged_run_times_in_one_line(tmp_path):
    (tmp_path / 'run_times.json').write_text('{"mnist_mlp": "slow"}')
    assert_one_line_error(netlib('list', '--results', tmp_path), 'run_times.json')


@pytest.mark.parametrize('command', [['report'], ['reproduce', '--only', 'steps_regression']])
def test_results_that_is_a_file_is_refused_in_one_line(command, tmp_path):
    taken = tmp_path / 'results'
    taken.write_text('not a folder')
    assert_one_line_error(netlib(*command, '--results', taken), str(taken))
    assert taken.read_text() == 'not a folder'
    assert list(tmp_path.iterdir()) == [taken]


# -- a damaged entry of the decoded-MNIST cache is decoded anew ----------------------

def write_huge_shape_entry(path):
    """An .npy file whose header claims a terabyte, over a few bytes."""
    with open(path, 'wb') as handle:
        np.lib.format.write_array_header_1_0(
            handle, {'descr': '|u1', 'fortran_order': False, 'shape': (2 ** 40,)})
        handle.write(bytes(8))


@pytest.mark.parametrize('damage', ['empty', 'huge shape'])
def test_a_damaged_cache_entry_is_decoded_anew(damage, tmp_path, data_dir):
    labels_gz = (data_dir / 'mnist' / 't10k-labels-idx1-ubyte.gz').read_bytes()
    entry = tmp_path / 'xdg' / 'netlib' / 'decoded' / f'{hashlib.sha256(labels_gz).hexdigest()}.npy'
    entry.parent.mkdir(parents=True)
    if damage == 'empty':
        entry.write_bytes(b'')
    else:
        write_huge_shape_entry(entry)
    result = run_command('experiments.mnist_mlp', '--epoch', 1, '--train-size', 100,
                         '--test-size', 100, '--data-dir', data_dir, '--out', tmp_path / 'run',
                         env={'XDG_CACHE_HOME': str(tmp_path / 'xdg')})
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / 'run' / 'metrics.json').read_text())
    np.testing.assert_array_equal(np.load(entry), parse_idx(gzip.decompress(labels_gz),
                                                            'labels'))
