"""A data-parallel run interrupted and resumed (rank 0's snapshot, loaded on every worker)
ends bit-identical to one run straight through, as a one-process run does."""

import json
import subprocess
import sys

import numpy as np

from conftest import ROOT

SETTINGS = ['--unit', '20', '--train-size', '400', '--test-size', '100', '--batchsize', '50',
            '--communicator', 'naive']


def test_resumed_equals_straight_through(mpiexec, data_dir, tmp_path):
    def run(*flags):
        result = subprocess.run([mpiexec, '-n', '2', sys.executable, '-m', 'experiments.mnist_mlp',
                                 *SETTINGS, '--data-dir', str(data_dir), *map(str, flags)],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    run('--epoch', '2', '--out', tmp_path / 'straight')
    run('--epoch', '1', '--out', tmp_path / 'cut')
    assert 'resumed from' in run('--epoch', '2', '--resume', '--out', tmp_path / 'cut')
    logs = [json.loads((tmp_path / name / 'log').read_text()) for name in ('straight', 'cut')]
    strip = [[{key: value for key, value in record.items() if key != 'elapsed_time'}
              for record in log] for log in logs]
    assert strip[0] == strip[1]
    straight, cut = (np.load(tmp_path / name / 'snapshot_epoch_2') for name in ('straight', 'cut'))
    for key in straight.files:
        if key.startswith(('updater/model:', 'updater/optimizer:', 'updater/iterator:')):
            assert np.array_equal(straight[key], cut[key]), key
