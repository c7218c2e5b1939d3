"""Transfer learning: frozen layers stay as they were, the run, its refusals and its resume."""

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from chainer import gradient_check

from conftest import ROOT
from experiments import transfer_learning
from netlib import kernels, MLP
from netlib.links import transfer
from netlib.links.convnets import LeNet


@pytest.fixture
def new_digits():
    rng = np.random.RandomState(0)
    return rng.rand(40, 784).astype(np.float32), rng.randint(0, 5, 40).astype(np.int32)


def _arrays(layers):
    return [param.array.copy() for layer in layers for param in layer.params()]


@pytest.mark.parametrize('kind', ['mlp', 'cnn'])
@pytest.mark.parametrize('method, hidden_change', [('frozen', False), ('finetune', True)])
def test_only_frozen_layers_keep_their_arrays(new_digits, kind, method, hidden_change):
    pretrained = transfer.new_net(kind, 16, 5)
    net = transfer.transfer_net(pretrained, transfer.new_net(kind, 16, 5),
                                         method)
    assert all(np.array_equal(a, b) for a, b in zip(_arrays(net[:-1]), _arrays(pretrained[:-1])))
    hidden, last = _arrays(net[:-1]), _arrays(net[-1:])
    transfer.learn(net, *new_digits, n_steps=5, batchsize=10, frozen=method == 'frozen')
    changed = [not np.array_equal(a, b) for a, b in zip(hidden, _arrays(net[:-1]))]
    assert all(changed) if hidden_change else not any(changed)
    assert all(not np.array_equal(a, b) for a, b in zip(last, _arrays(net[-1:])))


def test_scratch_starts_from_new_weights():
    pretrained = MLP((784, 16, 16, 5))
    net = transfer.transfer_net(pretrained, MLP((784, 16, 16, 10)), 'scratch')
    assert not np.array_equal(net[0].W.array, pretrained[0].W.array)


def test_a_small_run_saves_its_net_and_refuses_another(tmp_path, data_dir, run):
    out = tmp_path / 'run'
    small = ['--epoch', 1, '--unit', 16, '--per-class', '1,5', '--seeds', 2, '--steps', 20,
             '--data-dir', data_dir, '--no-progress']
    metrics = transfer_learning.main([*map(str, small), '--out', str(out)])
    assert set(metrics['table']) == {'mnist', 'sklearn'}
    assert metrics['pretrained_accuracy_0_4'] > 0.9
    assert len(json.loads((out / 'log').read_text())) == 8  # 2 targets x 2 N x 2 seeds
    assert (out / 'pretrained.npz').exists() and (out / 'accuracy_vs_n.png').exists()
    refused = run('experiments.transfer_learning', *small, '--unit', 32, '--pretrained',
                  out / 'pretrained.npz', '--out', tmp_path / 'refused')
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert '2/W has shape (16, 256), expected (32, 256)' in refused.stderr
    assert not (tmp_path / 'refused').exists()


def test_lenet_backward_matches_numerical_gradients():
    net = LeNet(n_classes=3, unit=4, channels=(2, 3))
    x = np.random.RandomState(0).uniform(-1, 1, (2, 784)).astype(np.float64)
    net.to_device(-1)
    for param in net.params():
        param.array = param.array.astype(np.float64)
    y_grad = np.random.RandomState(1).randn(2, 3)
    with kernels.using('chainer'):
        gradient_check.check_backward(net, x, y_grad, params=tuple(net.params()),
                                      eps=1e-3, atol=1e-4, rtol=1e-3)


def test_kill_and_resume_gives_the_same_table(tmp_path, data_dir):
    def command(out):
        return [sys.executable, '-m', 'experiments.transfer_learning', '--epoch', '1',
                '--net', 'mlp', '--unit', '16', '--per-class', '1,5', '--seeds', '2',
                '--steps', '50', '--frequency', '2', '--data-dir', str(data_dir), '--out', str(out)]
    whole, killed = tmp_path / 'whole', tmp_path / 'killed'
    subprocess.run(command(whole), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    process = subprocess.Popen(command(killed), cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (killed / 'snapshot_iter_2').exists() and process.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.02)
    if process.poll() is not None:
        pytest.fail('the run finished before it could be killed; make it longer')
    process.send_signal(signal.SIGKILL)
    process.wait()
    resumed = subprocess.run(command(killed) + ['--resume'], cwd=ROOT, check=True,
                             capture_output=True, text=True)
    assert 'resumed from' in resumed.stdout and 'pretrained on' in resumed.stdout
    metrics = [json.loads((out / 'metrics.json').read_text()) for out in (whole, killed)]
    assert metrics[0]['table'] == metrics[1]['table']
