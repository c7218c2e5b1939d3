"""What a user reads: the progress bar only on the terminal it was chosen for."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT


def run_beside_a_terminal(tmp_path, terminal):
    """steps_regression (20 updates: two progress-bar drawings) with *terminal*, stdout or
    stderr, a pseudo-terminal and the other stream a file: (terminal's text, file's text)."""
    controller, terminal_end = os.openpty()
    redirected = tmp_path / 'redirected.txt'
    with open(redirected, 'w') as file:
        streams = {'stdout': file, 'stderr': file, terminal: terminal_end}
        process = subprocess.Popen(
            [sys.executable, '-m', 'experiments.steps_regression', '--epoch', '20',
             '--out', str(tmp_path / 'run')], cwd=ROOT, stdin=subprocess.DEVNULL, **streams)
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
    assert '\x1b' not in written
    assert 'loss after 20 updates' in written
    assert 'this epoch [' in shown  # the bar, on stderr: the terminal it was chosen for
    assert 'inf iters/sec' not in shown + written  # its speed is measured from the start


@pytest.mark.skipif(not hasattr(os, 'openpty'), reason='needs a pseudo-terminal')
def test_stderr_to_a_file_gets_no_bar(tmp_path):
    shown, written = run_beside_a_terminal(tmp_path, 'stdout')
    assert '\x1b' not in written
    assert 'this epoch [' not in shown + written  # no terminal to draw on: plain lines
    assert 'loss after 20 updates' in shown
