"""What a user reads: the program's name in usage and errors, `netlib list` and `netlib run`
agreeing, the progress bar only on the terminal it was chosen for, counts in good English."""

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT
from experiments import steps_regression
from experiments.registry import EXPERIMENTS
from netlib.cli import registry
from netlib.cli.wording import counted


def netlib_command(*args, cwd=ROOT):
    return subprocess.run([sys.executable, '-m', 'netlib.cli.command', *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def one_line_error(result):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and 'Traceback' not in result.stderr, result.stderr
    return lines[0]


def test_netlib_run_names_the_experiment_in_usage_and_errors(tmp_path):
    helped = netlib_command('run', 'mnist_mlp', '--help', cwd=tmp_path)
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith('usage: netlib run mnist_mlp [-h]')
    refused = netlib_command('run', 'steps_regression', '--epoch', '0', cwd=tmp_path)
    assert one_line_error(refused).startswith('netlib run steps_regression: error: argument '
                                              '--epoch/-e: must be a positive integer')
    assert list(tmp_path.iterdir()) == []


def test_np_after_the_name_says_where_it_goes(tmp_path):
    for flags in (['--np', '2'], ['--np=2']):
        result = netlib_command('run', 'mnist_mlp', *flags, '--epoch', '1', cwd=tmp_path)
        assert one_line_error(result) == ('netlib run mnist_mlp: error: --np goes before the '
                                          'name: netlib run --np 2 mnist_mlp [flags]')
    assert list(tmp_path.iterdir()) == []


def test_every_name_netlib_list_shows_is_one_netlib_run_takes():
    listed = netlib_command('list')
    assert listed.returncode == 0, listed.stderr
    registered = set(registry.registered(registry.EXPERIMENTS))
    assert set(re.findall(r'netlib run (\w+)', listed.stdout)) <= registered
    reproductions_only = {experiment.name for experiment in EXPERIMENTS} - registered
    assert 'steps_regression_blog' in reproductions_only
    for name in reproductions_only:  # shown only where it is taken: netlib reproduce --only
        before = re.findall(rf'(\S+) {name}\b', listed.stdout)
        assert before and set(before) == {'--only'}, (name, before)
    refused = netlib_command('run', 'steps_regression_blog')
    assert "unknown experiment 'steps_regression_blog'" in one_line_error(refused)


def test_counts_are_singular_for_one(tmp_path, capsys):
    assert (counted(1, 'epoch'), counted(2, 'epoch'), counted(0, 'seed')) == \
        ('1 epoch', '2 epochs', '0 seeds')
    metrics = steps_regression.main(['--epoch', '1', '--out', str(tmp_path / 'run')])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == f'loss after 1 update with SGD {metrics["final_loss"]!r}'


def run_beside_a_terminal(tmp_path, terminal):
    """`netlib run steps_regression` (20 updates: two progress-bar drawings) with stdin and
    *terminal*, stdout or stderr, a pseudo-terminal and the other stream a file: (terminal's
    text, file's text)."""
    controller, terminal_end = os.openpty()
    redirected = tmp_path / 'redirected.txt'
    with open(redirected, 'w') as file:
        streams = {'stdout': file, 'stderr': file, terminal: terminal_end}
        process = subprocess.Popen(
            [sys.executable, '-m', 'netlib.cli.command', 'run', 'steps_regression', '--epoch',
             '20', '--out', str(tmp_path / 'run')], cwd=ROOT, stdin=terminal_end, **streams)
    os.close(terminal_end)
    shown = b''
    while True:  # read as it runs, so that the terminal never fills up
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # EIO: the process has closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert process.wait(timeout=120) == 0, redirected.read_text()
    return shown.decode(), redirected.read_text()


@pytest.mark.skipif(not hasattr(os, 'openpty'), reason='needs a pseudo-terminal')
def test_stdout_to_a_file_gets_plain_lines_and_the_bar_stays_on_the_terminal(tmp_path):
    shown, written = run_beside_a_terminal(tmp_path, 'stderr')
    assert '\x1b' not in written and '\r' not in written  # no escape, no redrawn line
    assert 'loss after 20 updates' in written
    assert 'this epoch [' in shown  # the bar, on stderr: the terminal it was chosen for
    assert 'inf iters/sec' not in shown + written  # its speed is measured from the start


@pytest.mark.skipif(not hasattr(os, 'openpty'), reason='needs a pseudo-terminal')
def test_stderr_to_a_file_gets_no_bar(tmp_path):
    shown, written = run_beside_a_terminal(tmp_path, 'stdout')
    assert '\x1b' not in written and '\r' not in written
    assert 'this epoch [' not in shown + written  # no terminal to draw on: plain lines
    assert 'loss after 20 updates' in shown
