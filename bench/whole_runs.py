"""Whole runs as a user waits for them: netlib's process against its PyTorch twin's.

For each experiment below, ``python -m experiments.NAME`` at a short setting
and ``bench/twins/NAME.py`` (the same network, optimizer, batch, data files
and evaluation in PyTorch, in its own virtualenv) run as separate processes,
alternately, and the wall clock of each whole process is kept: start-up,
imports, data, training, the evaluation and the files each writes.  A round
of both runs untimed first, so that both find the same warm caches (page
cache, compiled kernels, the decoded MNIST files).
"""

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from netlib.datasets.fetch import resolve_data_dir, user_cache
from netlib.datasets.text import load_text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TORCH_PYTHON = HERE / '.venv-torch' / 'bin' / 'python'
SCORE_CLASSIFIER = 'keras_mnist_cnn_30k.npz'

# Flags each side gets: the bench setting (short enough for the whole `make bench` to
# stay under 20 minutes on 2 cores), the same for netlib and its twin.
SETTINGS = {
    'mnist_mlp': ['--epoch', '1'],
    'mnist_cnn': ['--epoch', '1', '--train-size', '12000'],
    'mnist_inference': [],
    'char_lm': ['--iteration', '150'],
    'seq2seq_addition': ['--epoch', '2', '--questions', '10000'],
    'gan_mnist': ['--epoch', '1', '--train-size', '12000', '--samples', '1000'],
}


def commands(name, data_dir, out):
    """``(netlib's command, the twin's command)`` for one run of *name* into *out*."""
    flags = list(SETTINGS[name])
    if name.startswith(('mnist', 'gan')):
        flags += ['--data-dir', str(data_dir)]
    if name == 'gan_mnist':  # both score with the same saved CNN, trained once before
        flags += ['--classifier', str(user_cache() / SCORE_CLASSIFIER)]
    twin_flags = flags + (['--text', load_text(None)[1]] if name == 'char_lm' else [])
    return ([sys.executable, '-m', f'experiments.{name}', *flags, '--out', f'{out}/netlib',
             '--no-progress'],
            [str(TORCH_PYTHON), str(HERE / 'twins' / f'{name}.py'), *twin_flags,
             '--out', f'{out}/pytorch'])


def run_seconds(command, out, metrics_of):
    """Wall seconds of one whole process and its numbers (``metrics_of(stdout, out)``);
    its output folder is removed after."""
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f'{" ".join(command)} failed:\n{completed.stderr[-2000:]}')
    metrics = metrics_of(completed.stdout, out)
    shutil.rmtree(out, ignore_errors=True)  # the next round starts from an empty folder
    return seconds, metrics


def netlib_metrics(stdout, out):
    """The numbers of netlib's ``metrics.json``."""
    return numbers(json.loads((Path(out) / 'metrics.json').read_text()))


def twin_metrics(stdout, out):
    """The numbers of the twin's last line, which is JSON."""
    return numbers(json.loads(stdout.strip().splitlines()[-1]))


def numbers(metrics):
    return {key: value for key, value in metrics.items()
            if isinstance(value, (int, float)) and not isinstance(value, bool)}


def measure(names, repeats, data_dir=None):
    """``{name: {'netlib': [s, ...], 'pytorch': [s, ...], 'metrics': {side: {...}}}}``:
    *repeats* alternating rounds after one untimed round."""
    data_dir = resolve_data_dir(data_dir)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            sides = dict(zip(('netlib', 'pytorch'), commands(name, data_dir, folder)))
            samples = {side: [] for side in sides}
            samples['metrics'] = {}
            for round_number in range(repeats + 1):  # netlib first: it trains gan's scorer
                for side, command in sides.items():
                    seconds, metrics = run_seconds(
                        command, Path(folder) / side,
                        netlib_metrics if side == 'netlib' else twin_metrics)
                    if round_number:
                        samples[side].append(seconds)
                    samples['metrics'][side] = metrics
                    label = f'round {round_number}' if round_number else 'warm-up'
                    print(f'  {name:17s} {label:8s} {side:8s} {seconds:7.2f} s', flush=True)
            results[name] = samples
    return results
