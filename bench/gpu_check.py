"""netlib on a GPU against the same machine's CPU, in one call (``bench/gpu_check.sh``).

Every experiment runs at a tiny size on each device and its metrics are compared
(:data:`TOLERANCE`: the GPU draws its initial weights and dropout masks from cuRAND, so
numbers agree to a seed's spread, not bit for bit); then ``mnist_mlp``, ``mnist_cnn`` and
``char_lm`` run at their bench settings (:data:`bench.whole_runs.SETTINGS`), GPU and CPU in
turn, and their wall times are kept.  Writes ``gpu_check.json`` and ``summary.txt`` to
``--out``.  With ``--devices -1`` (the test suite's way) only the CPU half runs.
"""

import argparse
import json
import math
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.whole_runs import SETTINGS

# Each experiment at a size that runs in seconds on a CPU core.
TINY = {
    'autoencoder': ['--train-size', '1000', '--test-size', '500', '--epoch', '1'],
    'batch_norm': ['--train-size', '1000', '--epoch', '1'],
    'byte_cnn': ['--epoch', '1'],
    'char_lm': ['--iteration', '30'],
    'gan_mnist': ['--train-size', '1000', '--epoch', '1', '--samples', '100'],
    'logic_gates': [],
    'mnist_cnn': ['--train-size', '1000', '--test-size', '500', '--epoch', '1'],
    'mnist_inference': [],
    'mnist_mlp': ['--train-size', '1000', '--test-size', '500', '--epoch', '1'],
    'optimizer_compare': ['--iteration', '20'],
    'overfit_dropout': ['--train-size', '500', '--test-size', '500', '--epoch', '2'],
    'rnn_vs_lstm': ['--iteration', '20', '--test-size', '100'],
    'seq2seq_addition': ['--epoch', '1', '--questions', '2000'],
    'steps_regression': [],
    'transfer_learning': ['--net', 'mlp', '--epoch', '1', '--per-class', '1,10', '--seeds', '1',
                          '--steps', '20'],
    'vanishing_gradient': ['--train-size', '1000', '--test-size', '500', '--iteration', '20'],
    'weight_init': ['--train-size', '1000', '--test-size', '500', '--iteration', '20'],
    'word2vec': ['--epoch', '1'],
}
TIMED = ('mnist_mlp', 'mnist_cnn', 'char_lm')
# A metric agrees when |gpu - cpu| <= ABSOLUTE + RELATIVE * |cpu|.
TOLERANCE = {'absolute': 0.05, 'relative': 0.25}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', type=Path, required=True, help='folder for the results')
    parser.add_argument('--devices', default='0,-1',
                        help='comma-separated --device values; the last is the reference')
    parser.add_argument('--only', nargs='+', choices=sorted(TINY), default=sorted(TINY),
                        metavar='NAME', help='experiments to run at a tiny size')
    parser.add_argument('--timed', nargs='*', choices=TIMED, default=list(TIMED),
                        metavar='NAME', help='experiments timed at their bench settings')
    parser.add_argument('--parallel', type=int, default=4, help='tiny runs at a time')
    return parser.parse_args(argv)


def run(name, flags, device, out):
    """One ``netlib run``: its exit code, wall seconds, numeric metrics and last error line."""
    command = [sys.executable, '-m', 'netlib.cli.command', 'run', name, *flags,
               '--device', device, '--out', str(out), '--no-progress']
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    seconds = round(time.perf_counter() - started, 2)
    metrics_file = out / 'metrics.json'
    metrics = json.loads(metrics_file.read_text()) if metrics_file.exists() else {}
    return {'rc': completed.returncode, 'seconds': seconds, 'metrics': numbers(metrics),
            'error': (completed.stderr.strip().splitlines() or [''])[-1]}


def numbers(metrics):
    return {key: value for key, value in metrics.items() if isinstance(value, (int, float))
            and not isinstance(value, bool) and 'time' not in key and 'second' not in key}


def compare(reference, other):
    """Per metric of *reference*: both values and whether they agree within TOLERANCE."""
    rows = {}
    for key, expected in reference.items():
        found = other.get(key)
        agrees = found is not None and math.isfinite(found) and abs(found - expected) <= (
            TOLERANCE['absolute'] + TOLERANCE['relative'] * abs(expected))
        rows[key] = {'reference': expected, 'found': found, 'agrees': agrees}
    return rows


def tiny_runs(args, devices):
    jobs = [(name, device) for name in args.only for device in devices]
    with ThreadPoolExecutor(args.parallel) as pool:
        results = pool.map(lambda job: run(job[0], TINY[job[0]], job[1],
                                           args.out / 'tiny' / f'{job[0]}@{job[1]}'), jobs)
        by_job = dict(zip(jobs, results))
    report = {}
    for name in args.only:
        runs = {device: by_job[name, device] for device in devices}
        reference = runs[devices[-1]]['metrics']
        report[name] = {'runs': runs, 'compared': {
            device: compare(reference, runs[device]['metrics']) for device in devices[:-1]}}
    return report


def timings(args, devices):
    """Wall seconds of each timed experiment's whole run, the devices in turn."""
    return {name: {device: run(name, SETTINGS[name], device,
                               args.out / 'timed' / f'{name}@{device}')['seconds']
                   for device in devices} for name in args.timed}


DOCTOR_LINES = ('python', 'numpy', 'chainer', 'cupy', 'cudnn', 'compiled')


def summary(report):
    doctor = [line for line in report['doctor'].splitlines()
              if line.split(' ')[0] in DOCTOR_LINES]
    lines = ['netlib GPU check', *doctor, '']
    for name, result in report['tiny'].items():
        failed = [device for device, one in result['runs'].items() if one['rc'] != 0]
        disagree = sorted(f'{device}:{key}' for device, rows in result['compared'].items()
                          for key, row in rows.items() if not row['agrees'])
        state = (f'FAILED on {", ".join(failed)}' if failed else
                 f'metrics differ: {", ".join(disagree)}' if disagree else 'agree')
        lines.append(f'{name:20} {state}')
    for name, seconds in report['timed'].items():
        times = ', '.join(f'--device {device}: {value:.1f} s' for device, value in seconds.items())
        lines.append(f'{name:20} {times} (bench setting)')
    return '\n'.join(lines) + '\n'


def main(argv=None):
    args = parse_args(argv)
    devices = args.devices.split(',')
    args.out.mkdir(parents=True, exist_ok=True)
    doctor = subprocess.run([sys.executable, '-m', 'netlib.cli.command', 'doctor'],
                            capture_output=True, text=True)
    report = {'devices': devices, 'tolerance': TOLERANCE,
              'doctor': doctor.stdout + doctor.stderr}
    report['tiny'] = tiny_runs(args, devices)
    report['timed'] = timings(args, devices)
    (args.out / 'gpu_check.json').write_text(json.dumps(report, indent=1) + '\n')
    (args.out / 'summary.txt').write_text(summary(report))
    print(summary(report), end='')


if __name__ == '__main__':
    main()
