"""Issue 6's guarantees: bit-exact resume after kill -9, divergence exit 3, safe loading."""

import json
import re
import signal
import subprocess
import sys
import time
import tokenize

import chainer.links as L
import numpy as np
import pytest

from conftest import ROOT
from netlib.errors import DataError
from netlib.serializers.snapshots import load_snapshot

# Keys that legitimately differ between two runs: wall-clock times.
TIMING_KEYS = re.compile(r'elapsed_time|_log$')

KILLABLE_RUNS = {
    'steps_regression': (['--epoch', '400', '--frequency', '50', '--optimizer', 'adam'],
                         'snapshot_epoch_50', 'snapshot_epoch_400'),
    'mnist_mlp': (['--epoch', '3', '--unit', '100', '--train-size', '8000',
                   '--test-size', '500'],
                  'snapshot_epoch_1', 'snapshot_epoch_3'),
    'mnist_cnn': (['--epoch', '2', '--train-size', '1000', '--test-size', '200'],
                  'snapshot_epoch_1', 'snapshot_epoch_2'),
    # gensim's Lee corpus; the hidden states carried between updates are in the snapshot
    'char_lm': (['--iteration', '200', '--frequency', '20', '--unit', '16', '--batchsize', '8',
                 '--bproplen', '10', '--held-out', '0.02', '--sample-length', '20'],
                'snapshot_iter_20', 'snapshot_iter_200'),
}


def _command(name, out):
    args, _, _ = KILLABLE_RUNS[name]
    return [sys.executable, '-m', f'experiments.{name}', *args, '--out', str(out)]


def _kill_after_first_snapshot(name, out):
    """Start a run, kill -9 it shortly after its first snapshot appears."""
    first = out / KILLABLE_RUNS[name][1]
    process = subprocess.Popen(_command(name, out), cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not first.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # into the next epoch: the kill lands mid-epoch
    if process.poll() is not None:
        pytest.fail(f'{name} finished before it could be killed; make the run longer')
    process.send_signal(signal.SIGKILL)
    process.wait()


def _arrays(path):
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files if not TIMING_KEYS.search(key)}


@pytest.mark.parametrize('name', sorted(KILLABLE_RUNS))
def test_kill_and_resume_ends_bit_identical(name, tmp_path):
    whole, killed = tmp_path / 'whole', tmp_path / 'killed'
    subprocess.run(_command(name, whole), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    _kill_after_first_snapshot(name, killed)
    log_before = json.loads((killed / 'log').read_text())
    resumed = subprocess.run(_command(name, killed) + ['--resume'], cwd=ROOT, check=True,
                             capture_output=True, text=True)
    # It continued, not started over: it says from where, and kept what was logged by then.
    epoch, iteration = map(int, re.search(r'resumed from \S+ at epoch (\d+) \(iteration (\d+)\)',
                                          resumed.stdout).groups())
    assert epoch >= 1
    log_after = json.loads((killed / 'log').read_text())
    kept = [record for record in log_before if record['iteration'] <= iteration]
    assert kept and log_after[:len(kept)] == kept  # elapsed_time included
    final = KILLABLE_RUNS[name][2]
    expected, resumed = _arrays(whole / final), _arrays(killed / final)
    assert expected.keys() == resumed.keys()
    assert any('W' in key for key in expected)
    for key in expected:
        np.testing.assert_array_equal(resumed[key], expected[key], err_msg=key)
    strip = [{k: v for k, v in r.items() if k != 'elapsed_time'}
             for r in json.loads((whole / 'log').read_text())]
    assert strip == [{k: v for k, v in r.items() if k != 'elapsed_time'}
                     for r in json.loads((killed / 'log').read_text())]


@pytest.mark.parametrize('name,args', [
    ('steps_regression', ['--epoch', '100', '--lr', '1e6']),
    ('mnist_mlp', ['--epoch', '2', '--unit', '50', '--train-size', '2000', '--test-size',
                   '200', '--lr', '1e6']),
])
def test_divergence_exits_3_with_a_readable_log(run, name, args, tmp_path):
    out = tmp_path / 'run'
    result = run(f'experiments.{name}', *args, '--out', out)
    assert result.returncode == 3, result.stderr
    assert 'Traceback' not in result.stderr
    message = result.stderr.strip().splitlines()
    assert len(message) == 1 and 'became' in message[0] and 'lower --lr' in message[0]
    log = json.loads((out / 'log').read_text())
    assert all(np.isfinite(record['main/loss']) for record in log)


def test_an_update_to_infinite_weights_is_stopped_before_its_snapshot(run, tmp_path):
    """--lr 1e38 makes the first update's weights infinite while the loss it reports, taken
    before the update, is finite: only the guard's check of the parameters stops the
    snapshot of that epoch (a snapshot every epoch) from keeping them."""
    out = tmp_path / 'run'
    result = run('experiments.steps_regression', '--epoch', '5', '--frequency', '1', '--lr',
                 '1e38', '--out', out)
    assert result.returncode == 3, result.stderr
    message = result.stderr.strip().splitlines()
    assert len(message) == 1 and 'Traceback' not in result.stderr, result.stderr
    assert 'became non-finite at iteration 1' in message[0], message[0]
    for path in out.glob('snapshot_*'):
        with np.load(path, allow_pickle=False) as snapshot:
            weights = {key: snapshot[key] for key in snapshot.files
                       if key.endswith(('/W', '/b'))}
        assert weights and all(np.isfinite(w).all() for w in weights.values()), path


# Calls that unpickle whatever a file holds. netlib/serializers/weights.py reaches pickle
# only through netlib/serializers/array_pickle.py; Chainer's load_npz opens with
# allow_pickle=True, so netlib never calls it on a file a user names.
UNSAFE_CALLS = re.compile(r'pickle\.loads?\(|allow_pickle\s*=\s*True|\bserializers\.load_npz\(|'
                          r'np\.load\((?!.*allow_pickle\s*=\s*False)')


def _code_lines(path):
    """(line number, code) with strings and comments removed (docstrings may name calls)."""
    code = {}
    with tokenize.open(path) as handle:
        for token in tokenize.generate_tokens(handle.readline):
            if token.type not in (tokenize.STRING, tokenize.COMMENT):
                code.setdefault(token.start[0], []).append(token.string)
    return [(number, ''.join(parts)) for number, parts in sorted(code.items())]


def test_source_has_no_unsafe_loading():
    offenders = []
    for path in sorted([*ROOT.glob('netlib/**/*.py'), *ROOT.glob('experiments/*.py')]):
        for number, code in _code_lines(path):
            if UNSAFE_CALLS.search(code):
                offenders.append(f'{path.relative_to(ROOT)}:{number}: {code}')
    assert offenders == []


def test_source_scan_catches_an_unsafe_call():
    assert UNSAFE_CALLS.search('weights = pickle.load(handle)')
    assert UNSAFE_CALLS.search('np.load(path, allow_pickle=True)')
    assert UNSAFE_CALLS.search('np.load(path)')
    assert UNSAFE_CALLS.search('serializers.load_npz(path,trainer)')
    assert not UNSAFE_CALLS.search('np.load(str(path),allow_pickle=False)')


def test_a_pickled_snapshot_is_refused(tmp_path):
    path = tmp_path / 'snapshot.npz'
    np.savez(path, W=np.array([print], dtype=object), b=np.zeros(1, 'f'))
    with pytest.raises(DataError, match='cannot resume'):
        load_snapshot(path, L.Linear(1, 1))


def test_resume_without_a_snapshot_does_not_reuse_the_folder(tmp_path, capsys):
    from experiments import steps_regression
    out = tmp_path / 'run'
    out.mkdir()
    (out / 'metrics.json').write_text('{"loss": 1.0}')
    steps_regression.main(['--epoch', '5', '--resume', '--out', str(out)])
    assert (out / 'metrics.json').read_text() == '{"loss": 1.0}'
    assert (tmp_path / 'run-2' / 'log').exists()


def test_reproduce_puts_the_reference_back_when_a_run_fails(tmp_path):
    from experiments import reproduce
    from experiments.targets import Experiment
    failing = Experiment(name='broken', script='steps_regression',
                         args=('--epoch', '0'), targets=())
    (tmp_path / 'broken').mkdir()
    (tmp_path / 'broken' / 'metrics.json').write_text('{"loss": 1.0}')
    (tmp_path / '.broken.previous').mkdir()  # left by a run that was killed outright
    (tmp_path / '.broken.previous' / 'metrics.json').write_text('{"loss": 2.0}')
    assert reproduce.run_experiment(failing, tmp_path) is None
    assert (tmp_path / 'broken' / 'metrics.json').read_text() == '{"loss": 2.0}'
    assert not (tmp_path / '.broken.previous').exists()
