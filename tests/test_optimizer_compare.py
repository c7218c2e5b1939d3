import json
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import ROOT
from experiments import optimizer_compare
from experiments.optimizer_compare import START
from netlib import optimizers, plots
from netlib.cli import flags

# Where Chainer's optimizers end after 30 steps from (-7, 2), computed once.
PATH_ENDS = {
    'SGD': (-0.3503929957523195, 0.0847823165504322),
    'MomentumSGD': (0.8964138584937322, 0.08808560171506971),
    'AdaGrad': (-0.12016225468634455, 2.486384688590262e-17),
    'Adam': (0.13601391672004542, 0.31824538830810956),
}


@pytest.fixture(scope='module')
def paths():
    return optimizer_compare.book_paths()


@pytest.fixture(scope='module')
def short_run(data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp('optimizer_compare') / 'run'
    metrics = optimizer_compare.main(['--iteration', '50', '--data-dir', str(data_dir),
                                      '--out', str(out), '--no-progress'])
    return out, metrics


def test_path_ends(paths):
    for name, end in PATH_ENDS.items():
        np.testing.assert_allclose(paths[name][-1], end, rtol=1e-9, atol=1e-15)


def test_paths_are_what_the_book_draws(paths):
    assert all(len(path) == 31 and tuple(path[0]) == START for path in paths.values())
    assert all(np.hypot(*path[-1]) < np.hypot(*START) / 5 for path in paths.values())
    # SGD at lr 0.95 overshoots the steep y direction: y = 2 * (-0.9)**k.
    np.testing.assert_allclose(paths['SGD'][:, 1], 2 * (-0.9) ** np.arange(31))
    # AdaGrad's first step in y is lr * sign(g) = 1.5; y then shrinks to 0.
    assert paths['AdaGrad'][1, 1] == pytest.approx(0.5)
    assert abs(paths['AdaGrad'][-1, 1]) < 1e-12
    # Momentum overshoots the minimum in x.
    assert paths['MomentumSGD'][:, 0].max() > 0


def book_adam(lr=0.3, beta1=0.9, beta2=0.999, eps=1e-7, steps=30):
    """The book's hand-written Adam (common/optimizer.py) on the bowl, for comparison."""
    point, m, v, path = np.array(START), np.zeros(2), np.zeros(2), [np.array(START)]
    for t in range(1, steps + 1):
        grad = np.array([point[0] / 10, 2 * point[1]])
        lr_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        m += (1 - beta1) * (grad - m)
        v += (1 - beta2) * (grad ** 2 - v)
        point = point - lr_t * m / (np.sqrt(v) + eps)
        path.append(point)
    return np.array(path)


def test_chainer_adam_is_the_books_adam_up_to_eps(paths):
    same_eps = optimizer_compare.descend(optimizers.create('adam', 0.3, ['eps=1e-7']))
    np.testing.assert_allclose(same_eps, book_adam(), rtol=1e-12, atol=1e-12)
    assert np.abs(paths['Adam'] - book_adam()).max() < 1e-5  # Chainer's eps is 1e-8


def test_every_optimizer_lowers_the_mnist_loss(short_run):
    _, metrics = short_run
    assert metrics['checkpoints'] == [0, 12, 25, 38, 50]
    assert set(metrics['loss_table']) == {'SGD', 'Momentum', 'AdaGrad', 'Adam'}
    for name, losses in metrics['loss_table'].items():
        assert losses[-1] < losses[0]
        assert metrics[f'final_loss_{name}'] == losses[-1]
    # every net starts from the same weights and sees the same first minibatch
    assert len({losses[0] for losses in metrics['loss_table'].values()}) == 1


def test_run_folder(short_run):
    out, metrics = short_run
    assert sorted(p.name for p in out.iterdir()) == ['args', 'log', 'metrics.json',
                                                     'mnist_loss.png', 'paths.png']
    assert metrics['path_end']['Momentum'] == list(PATH_ENDS['MomentumSGD'])
    log = json.loads((out / 'log').read_text())
    assert [record['iteration'] for record in log] == [50]  # every 100, or at the end
    assert log[0]['Adam/loss'] < log[0]['Adam/initial_loss']


def test_lr_sets_every_rate_and_every_net_sees_the_same_minibatches(data_dir, tmp_path,
                                                                    capsys):
    """At --lr 1e-30 no update moves a weight, so each net's loss is its untrained
    loss on the minibatch: the same for every net only if the minibatches are."""
    metrics = optimizer_compare.main(['--iteration', '20', '--lr', '1e-30', '--data-dir',
                                      str(data_dir), '--out', str(tmp_path / 'run')])
    printed = capsys.readouterr().out
    assert 'SGD (SGD, lr 1e-30)' in printed and 'Adam (Adam, alpha 1e-30)' in printed
    rows = list(metrics['loss_table'].values())
    for row in rows[1:]:
        assert row == pytest.approx(rows[0], rel=1e-6)
    assert np.ptp(rows[0]) > 1e-3  # ... and the minibatches differ from one another
    assert metrics['path_end']['SGD'] == list(PATH_ENDS['SGD'])  # part 1 keeps the book's


def parse(*argv):
    return flags.parse(list(argv), optimizer_compare.__doc__, optimizer_compare.DEFAULTS)


def test_optimizer_list():
    assert parse().optimizer == ['SGD', 'MomentumSGD', 'AdaGrad', 'Adam']
    assert parse('--optimizer', 'sgd,Adam,RMSprop').optimizer == ['SGD', 'Adam', 'RMSprop']
    with pytest.raises(SystemExit) as error:
        parse('--optimizer', 'sgd,SGD')
    assert error.value.code == 2


def test_smoothing_keeps_length_and_constants():
    smoothed = plots.smooth_curve(np.full(30, 0.5))
    assert smoothed.shape == (30,)
    np.testing.assert_allclose(smoothed, 0.5)


@pytest.mark.parametrize('argv, message', [
    (['--optimizer', 'sgd,bogus'], "unknown optimizer 'bogus'"),
    (['--optimizer', 'sgd,adadelta', '--lr', '0.1'], 'AdaDelta has no learning rate'),
])
def test_bad_optimizer_is_one_line_and_exit_2(run, data_dir, tmp_path, argv, message):
    result = run('experiments.optimizer_compare', *argv, '--data-dir', data_dir,
                 '--out', tmp_path / 'run')
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert not (tmp_path / 'run').exists()


def _command(data_dir, out, *extra):
    # Momentum and Adam: optimizers with state (velocity; moments and step count).
    return [sys.executable, '-m', 'experiments.optimizer_compare', '--optimizer',
            'momentum,adam', '--iteration', '200', '--frequency', '100', '--no-progress',
            '--data-dir', str(data_dir), '--out', str(out), *extra]


def _kill_after_first_snapshot(command, out):
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while (not (out / 'snapshot_iter_100').exists() and process.poll() is None
           and time.monotonic() < deadline):
        time.sleep(0.02)
    time.sleep(0.3)  # into the next 100 iterations: the kill lands between snapshots
    if process.poll() is not None:
        pytest.fail('the run finished before it could be killed; make it longer')
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_kill_and_resume_ends_bit_identical(data_dir, tmp_path):
    whole, killed = tmp_path / 'whole', tmp_path / 'killed'
    subprocess.run(_command(data_dir, whole), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    _kill_after_first_snapshot(_command(data_dir, killed), killed)
    log_at_kill = json.loads((killed / 'log').read_text())
    resumed = subprocess.run(_command(data_dir, killed, '--resume'), cwd=ROOT, check=True,
                             capture_output=True, text=True)
    iteration = int(re.search(r'resumed from \S+ at epoch \d+ \(iteration (\d+)\)',
                              resumed.stdout).group(1))
    assert iteration >= 100
    # The losses behind the table were not lost with the process: identical numbers.
    assert (json.loads((killed / 'metrics.json').read_text()) ==
            json.loads((whole / 'metrics.json').read_text()))
    log = json.loads((killed / 'log').read_text())
    # Records up to the snapshot survive as they were, elapsed_time included ...
    kept = [record for record in log_at_kill if record['iteration'] <= iteration]
    assert kept and log[:len(kept)] == kept
    # ... and the rest are those of the uninterrupted run, but for the clock.
    untimed = [{k: v for k, v in record.items() if k != 'elapsed_time'}
               for record in json.loads((whole / 'log').read_text())]
    assert [{k: v for k, v in record.items() if k != 'elapsed_time'} for record in log] == untimed
