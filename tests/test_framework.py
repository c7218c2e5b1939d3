"""One run, one loop, one command: run folders, logs, resume, divergence, the API."""

import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import chainer
import numpy as np
import pytest

from conftest import ROOT
from netlib import steps
from netlib.cli import flags
from netlib.training import runs
from netlib.training.runs import Run

def test_threads_claiming_one_folder_each_get_their_own(tmp_path):
    out, claimed, start = tmp_path / 'run', [], threading.Barrier(8)

    def claim():
        start.wait()
        claimed.append(runs.claim(out))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(claimed)) == 8


def test_two_runs_started_together_never_share_a_folder(tmp_path):
    out = tmp_path / 'run'
    command = [sys.executable, '-m', 'experiments.steps_regression', '--epoch', '20',
               '--out', str(out)]
    processes = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
                 for _ in range(2)]
    assert [process.wait(timeout=120) for process in processes] == [0, 0]
    folders = sorted(path.name for path in tmp_path.iterdir())
    assert folders == ['run', 'run-2']
    assert {json.loads((tmp_path / name / 'args').read_text())['out']
            for name in folders} == {str(out), str(tmp_path / 'run-2')}


def test_refused_input_leaves_no_run_folder(run, tmp_path):
    result = run('experiments.steps_regression', '--units', '3,2', '--out', tmp_path / 'run')
    assert result.returncode == 2
    assert not (tmp_path / 'run').exists()


def test_a_run_that_diverges_after_a_snapshot_keeps_it_and_its_log(run, tmp_path):
    out = tmp_path / 'run'
    result = run('experiments.steps_regression', '--epoch', '200', '--frequency', '5',
                 '--lr', '2', '--out', out)
    assert result.returncode == 3, result.stderr
    assert 'became' in result.stderr and 'Traceback' not in result.stderr
    assert sorted(path.name for path in out.glob('snapshot_*')) == ['snapshot_epoch_10',
                                                                   'snapshot_epoch_5']
    log = json.loads((out / 'log').read_text())
    assert [record['epoch'] for record in log] == list(range(1, len(log) + 1))
    assert len(log) >= 10 and all(np.isfinite(record['main/loss']) for record in log)
    with np.load(out / 'snapshot_epoch_10', allow_pickle=False) as snapshot:
        weights = [snapshot[key] for key in snapshot.files if key.endswith('/W')]
    assert weights and all(np.isfinite(w).all() for w in weights)


def test_piped_output_has_no_escape_codes(run, tmp_path, data_dir):
    result = run('experiments.mnist_mlp', '--epoch', '1', '--unit', '10', '--train-size', 500,
                 '--test-size', 100, '--data-dir', data_dir, '--out', tmp_path / 'run')
    assert result.returncode == 0, result.stderr
    assert '\033' not in result.stdout + result.stderr
    assert re.search(r'^1 +\d', result.stdout, re.MULTILINE)  # the epoch's printed line


def netlib_command(*args, cwd=ROOT):
    return subprocess.run([sys.executable, '-m', 'netlib.cli.command', *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_netlib_list_names_every_experiment_with_its_targets():
    from experiments.registry import EXPERIMENTS
    result = netlib_command('list')
    assert result.returncode == 0, result.stderr
    for experiment in EXPERIMENTS:
        assert experiment.name in result.stdout
        assert all(target.label in result.stdout for target in experiment.targets)


def test_netlib_run_replays_the_blog(tmp_path):
    result = netlib_command('run', 'steps_regression', '--replay-blog', '--out', tmp_path / 'r')
    assert result.returncode == 0, result.stderr
    assert 'variable(19.60489845275879)' in result.stdout


def test_netlib_run_refuses_an_unknown_experiment_in_one_line():
    result = netlib_command('run', 'no_such_thing')
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and 'mnist_mlp' in result.stderr


def test_reproduce_exits_1_and_names_a_missed_target(tmp_path, monkeypatch, capsys):
    from experiments import report, reproduce
    from experiments.targets import Experiment, Target
    impossible = Experiment(name='steps_regression',
                            targets=(Target('loss below zero', 'loss', kind='at_most',
                                            bound=-1.0, basis='impossible'),))
    monkeypatch.setattr(report, 'EXPERIMENTS', (impossible,))
    monkeypatch.setattr(reproduce, 'EXPERIMENTS', (impossible,))
    with pytest.raises(SystemExit) as exit_info:
        reproduce.main(['--results', str(tmp_path)])
    assert exit_info.value.code == 1
    assert 'MISSED steps_regression: loss below zero: got 9.60805892944336' in \
        capsys.readouterr().out
    assert '**FAIL**' in (tmp_path / 'README.md').read_text()


def test_report_rewrites_the_table_without_running(tmp_path, monkeypatch):
    from experiments import report
    (tmp_path / 'steps_regression_blog').mkdir()
    (tmp_path / 'steps_regression_blog' / 'metrics.json').write_text('{"loss": 19.60489845275879}')
    report.report(tmp_path)
    table = Path(tmp_path / 'README.md').read_text()
    assert '`損失関数:variable(19.60489845275879)` | 19.60489845275879 | 19.60489845275879 ' \
           '| = the post |  | pass |' in table
    assert 'not run or failed' in table  # the others have no output here


def test_a_leftover_partial_snapshot_is_removed_on_resume(tmp_path):
    out = tmp_path / 'run'
    command = [sys.executable, '-m', 'experiments.steps_regression', '--epoch', '10',
               '--frequency', '5', '--out', str(out)]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    (out / 'tmpsnapshot_epoch_15abcd').write_bytes(b'cut short')
    (out / 'tmplog_x').mkdir()
    command[command.index('10')] = '20'
    resumed = subprocess.run(command + ['--resume'], cwd=ROOT, check=True, capture_output=True,
                             text=True)
    assert 'resumed from' in resumed.stdout and 'at epoch 10' in resumed.stdout
    assert not list(out.glob('tmp*'))
    assert (out / 'snapshot_epoch_20').is_file()


def test_netlib_reproduce_passes_its_flags_on(tmp_path):
    result = netlib_command('reproduce', '--only', 'steps_regression_blog', '--results', tmp_path)
    assert result.returncode == 0, result.stderr
    assert '1/1 targets met' in result.stdout


@pytest.mark.parametrize('length, iterations_per_epoch, epochs', [
    ((4, 'iteration'), 1, None),  # a loop of updates: no epoch to record
    ((2, 'epoch'), 2, [1, 2]),    # a loop over data: its epochs
])
def test_a_loop_logs_epochs_only_where_it_has_them(length, iterations_per_epoch, epochs,
                                                   tmp_path):
    args = flags.parse(['--out', str(tmp_path / 'run'), '--no-progress'], 'loop',
                       dict(epoch=2, optimizer='sgd', out='runs/loop'))
    run = Run(args)
    model = chainer.Link()
    with model.init_scope():
        model.w = chainer.Parameter(0.0, (1,))
    optimizer = chainer.optimizers.SGD(lr=0.1).setup(model)
    manager = run.manager({'main': optimizer}, length, iterations_per_epoch=iterations_per_epoch,
                          log_every=(1, length[1]))
    for _ in manager:
        loss = chainer.functions.sum((model.w - 3) ** 2)
        steps.update(optimizer, loss)
        chainer.report({'loss': loss}, model)
    records = json.loads((tmp_path / 'run' / 'log').read_text())
    assert [record.get('epoch') for record in records] == (epochs or [None] * len(records))
    assert [record['iteration'] for record in records][-1] == 4
