"""Whole runs as a user waits for them: netlib's process against its PyTorch twin's.

For each experiment below, ``python -m experiments.NAME`` at a short setting
and ``bench/twins/NAME.py`` (the same network, optimizer, batch, data files
and evaluation in PyTorch, in its own virtualenv) run as separate processes,
alternately, and the wall clock of each whole process is kept: start-up,
imports, data, training, the evaluation and the files each writes.  A round
of both runs untimed first, so that both find the same warm caches (page
cache, compiled kernels, the decoded MNIST files).

:data:`FULL_SETTINGS` adds runs at the setting a user runs (or a stated fraction
of it), after the short ones.  Their untimed round is left out when the same
experiment already ran at its short setting in this bench: that run warmed the
same caches (the same modules, compiled kernels and data files), and one more
round of a full epoch would take the bench past 25 minutes.  Given
``users_environment`` (:mod:`bench.columns`), each round also runs netlib's
command with that environment, after the twin: the column "as on a user's
machine".
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

# Flags each side gets: the short bench setting (short enough, with FULL_SETTINGS, for
# the whole `make bench` to stay under 25 minutes on 2 cores), the same for netlib and
# its twin.
SETTINGS = {
    'mnist_mlp': ['--epoch', '1'],
    'mnist_cnn': ['--epoch', '1', '--train-size', '12000'],
    'mnist_inference': [],
    'char_lm': ['--iteration', '150'],
    'seq2seq_addition': ['--epoch', '2', '--questions', '10000'],
    'gan_mnist': ['--epoch', '1', '--train-size', '12000', '--samples', '1000'],
}
# (experiment, flags, what the setting is) at the setting a user runs, netlib and twin
# alike.  All of make reproduce's 1,500 char_lm iterations (about 45 s a side) would
# take the bench, with both columns measured, past 25 minutes on 2 cores.
FULL_SETTINGS = {
    'mnist_cnn_full_epoch': ('mnist_cnn', ['--epoch', '1'],
                             'a full epoch: 60,000 training images and the 10,000-image '
                             'test pass'),
    'char_lm_third_of_reproduce': ('char_lm', ['--iteration', '500'],
                                   "a third of make reproduce's 1,500 iterations"),
}
NAMES = [*SETTINGS, *FULL_SETTINGS]
USERS_SIDE = 'netlib_users_machine'  # netlib's command without the OpenBLAS variables


def experiment_and_flags(name):
    """``(experiment, flags)`` of the whole run *name*."""
    if name in SETTINGS:
        return name, list(SETTINGS[name])
    experiment, flags, _ = FULL_SETTINGS[name]
    return experiment, list(flags)


def label(name):
    """What the setting of *name* is, in words."""
    return FULL_SETTINGS[name][2] if name in FULL_SETTINGS else 'short bench setting'


def commands(name, data_dir, out):
    """``(netlib's command, the twin's command)`` for one run of *name* into *out*."""
    experiment, flags = experiment_and_flags(name)
    if experiment.startswith(('mnist', 'gan')):
        flags += ['--data-dir', str(data_dir)]
    if experiment == 'gan_mnist':  # both score with the same saved CNN, trained once before
        flags += ['--classifier', str(user_cache() / SCORE_CLASSIFIER)]
    twin_flags = flags + (['--text', load_text(None)[1]] if experiment == 'char_lm' else [])
    return ([sys.executable, '-m', f'experiments.{experiment}', *flags,
             '--out', f'{out}/netlib', '--no-progress'],
            [str(TORCH_PYTHON), str(HERE / 'twins' / f'{experiment}.py'), *twin_flags,
             '--out', f'{out}/pytorch'])


def run_seconds(command, out, metrics_of, environment=None):
    """Wall seconds of one whole process (with *environment*, else this one's) and its
    numbers (``metrics_of(stdout, out)``); its output folder is removed after."""
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                               env=environment)
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


def measure(names, repeats, data_dir=None, users_environment=None):
    """``{name: {'netlib': [s, ...], 'pytorch': [s, ...], 'metrics': {side: {...}}}}``
    (and :data:`USERS_SIDE`'s seconds given *users_environment*): *repeats* alternating
    rounds, after one untimed round where the experiment has not run yet."""
    data_dir = resolve_data_dir(data_dir)
    results, warmed = {}, set()
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            experiment = experiment_and_flags(name)[0]
            results[name] = rounds(name, sides(name, data_dir, folder, users_environment),
                                   repeats, warm_up=experiment not in warmed)
            warmed.add(experiment)
    return results


def sides(name, data_dir, folder, users_environment=None):
    """``{side: (command, environment, out, metrics_of)}``, in the order of a round:
    netlib first (it trains gan's scorer), its twin, netlib as on a user's machine."""
    netlib, twin = commands(name, data_dir, folder)
    netlib_side = (netlib, None, Path(folder) / 'netlib', netlib_metrics)
    sides = {'netlib': netlib_side,
             'pytorch': (twin, None, Path(folder) / 'pytorch', twin_metrics)}
    if users_environment is not None:
        sides[USERS_SIDE] = (netlib, users_environment, *netlib_side[2:])
    return sides


def rounds(name, sides, repeats, warm_up):
    """Each side's seconds over *repeats* rounds (after an untimed one if *warm_up*)
    and each side's last numbers."""
    samples = {side: [] for side in sides}
    samples['metrics'] = {}
    for round_number in range(0 if warm_up else 1, repeats + 1):
        for side, (command, environment, out, metrics_of) in sides.items():
            seconds, metrics = run_seconds(command, out, metrics_of, environment)
            if round_number:
                samples[side].append(seconds)
            samples['metrics'][side] = metrics
            label = f'round {round_number}' if round_number else 'warm-up'
            print(f'  {name:26s} {label:8s} {side:20s} {seconds:7.2f} s', flush=True)
    return samples
