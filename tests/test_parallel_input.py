"""Starting a data-parallel run: ``netlib run --np K``, and refused input (one line, exit 2,
nothing written), also when every worker under mpiexec refuses it."""

import json
import sys

import pytest

from experiments import mnist_mlp
from netlib.errors import UsageError


def one_line(result, expected):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr


@pytest.mark.parametrize('name', ['pure_nccl', 'flat'])
def test_a_gpu_communicator_on_the_cpu_is_refused(name, tmp_path):
    with pytest.raises(UsageError, match=f'--communicator {name} needs one GPU per worker'):
        mnist_mlp.main(['--communicator', name, '--out', str(tmp_path / 'run')])
    assert not (tmp_path / 'run').exists()


def test_without_mpi4py_the_install_is_named(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, 'mpi4py', None)  # import mpi4py raises ImportError
    with pytest.raises(UsageError, match=r"needs mpi4py and an MPI: pip install -e '\.\[mpi\]'"):
        mnist_mlp.main(['--communicator', 'naive', '--out', str(tmp_path / 'run')])
    assert not (tmp_path / 'run').exists()


def test_a_communicator_outside_mpiexec_is_refused(mpiexec, run, tmp_path):
    result = run('experiments.mnist_mlp', '--communicator', 'naive', '--out', tmp_path / 'run')
    one_line(result, 'start it with mpiexec -n K (K >= 2) or netlib run --np K NAME')
    assert not (tmp_path / 'run').exists()


def test_every_worker_refuses_and_only_rank0_says_so(mpiexec, run, tmp_path):
    result = run('netlib.cli.command', 'run', '--np', '2', 'mnist_mlp', '--communicator',
                 'pure_nccl', '--out', tmp_path / 'run')
    one_line(result, 'needs one GPU per worker')
    result = run('netlib.cli.command', 'run', '--np', '2', 'mnist_mlp', '--lr', '-1',
                 '--out', tmp_path / 'run')
    one_line(result, '--lr: must be a positive finite number')
    assert not (tmp_path / 'run').exists()


def test_np_only_for_experiments_that_train_data_parallel(run):
    one_line(run('netlib.cli.command', 'run', '--np', '2', 'logic_gates'),
             'logic_gates does not train data-parallel (--np): its DEFAULTS have no '
             'communicator')


def test_netlib_run_np_trains_the_keras_cnn_on_two_workers(mpiexec, run, data_dir, tmp_path):
    result = run('netlib.cli.command', 'run', '--np', '2', 'mnist_cnn', '--epoch', '1',
                 '--train-size', '256', '--test-size', '100', '--data-dir', data_dir,
                 '--out', tmp_path / 'run')
    assert result.returncode == 0, result.stderr
    assert 'mpiexec -n 2' in result.stdout.splitlines()[0]
    assert result.stdout.count('batch 128 per worker, 256 per update') == 1
    log = json.loads((tmp_path / 'run' / 'log').read_text())
    assert log[0]['iteration'] == 1  # 256 images, 2 x 128 an update
    assert sorted(path.name for path in tmp_path.iterdir()) == ['run']
