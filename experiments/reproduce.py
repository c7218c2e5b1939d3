"""Run every registered experiment at its reproduction settings; write ``results/``.

Each experiment runs as its own process (``python -m MODULE ARGS --out
results/NAME``) after the previous output is moved aside; that one comes back
unless the run succeeds, so a failed or interrupted run never destroys the
reference outputs.  Then ``results/README.md`` gets the table blog value vs
reproduced value, and the exit code is 1 when a target is missed::

    netlib reproduce [--only NAME ...]     # or: make reproduce
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from netlib import cli
from netlib.files import read_json, write_json
from experiments.registry import EXPERIMENTS
from experiments.report import RESULTS, ROOT, RUN_TIMES, report


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--only', action='append', default=[], metavar='NAME',
                        choices=[experiment.name for experiment in EXPERIMENTS],
                        help='run only this experiment (repeatable)')
    parser.add_argument('--results', type=Path, default=RESULTS,
                        help='folder of the reference outputs')
    return parser.parse_args(argv)


def run_experiment(experiment, results):
    """Run one experiment into ``results/NAME``; its metrics, or None if it failed.

    The previous reference output is moved aside first and put back unless the
    run succeeds, also when it is interrupted; one left aside by a run that was
    killed outright is put back before anything else.
    """
    final, previous = results / experiment.name, results / f'.{experiment.name}.previous'
    if previous.exists():
        shutil.rmtree(final, ignore_errors=True)
        previous.rename(final)
    if final.exists():
        final.rename(previous)
    out = os.path.relpath(final, ROOT)
    command = [sys.executable, '-m', experiment.module, *experiment.args, '--out', out]
    print('$ python', ' '.join(command[1:]), flush=True)
    succeeded = False
    try:
        succeeded = subprocess.run(command, cwd=ROOT).returncode == 0
    finally:
        if succeeded:
            shutil.rmtree(previous, ignore_errors=True)
        else:
            shutil.rmtree(final, ignore_errors=True)
            if previous.exists():
                previous.rename(final)
    return read_json(final / 'metrics.json') if succeeded else None


def main(argv=None):
    args = parse_args(argv)
    args.results.mkdir(parents=True, exist_ok=True)
    chosen = [e for e in EXPERIMENTS if not args.only or e.name in args.only]
    started, fresh = time.perf_counter(), {}
    times_path = args.results / RUN_TIMES
    times = read_json(times_path) if times_path.exists() else {}
    for number, experiment in enumerate(chosen, start=1):
        print(f'[{number}/{len(chosen)}] {experiment.name}', flush=True)
        begun = time.perf_counter()
        fresh[experiment.name] = run_experiment(experiment, args.results)
        times[experiment.name] = round(time.perf_counter() - begun, 1)
        print(f'[{number}/{len(chosen)}] {experiment.name} done in '
              f'{times[experiment.name]:.1f} s', flush=True)
    write_json(times_path, times)
    rows = report(args.results, fresh)
    checked = [row for row in rows if row[0].name in fresh]
    missed = [row for row in checked if not row[3]]
    for experiment, target, value, _ in missed:
        print(f'MISSED {experiment.name}: {target.label}: got {value!r}, '
              f'want {target.criterion()} of {target.blog!r}')
    print(f'{len(checked) - len(missed)}/{len(checked)} targets met in '
          f'{time.perf_counter() - started:.1f} s')
    sys.exit(1 if missed else 0)


if __name__ == '__main__':
    cli.run_main(main)
