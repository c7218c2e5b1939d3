"""Run every registered experiment at its reproduction settings; write ``results/``.

Each experiment runs as its own process (``python -m MODULE ARGS --out
results/NAME``) after the previous output is moved aside; that one comes back
unless the run succeeds, so a failed or interrupted run never destroys the
reference outputs.  Then ``results/README.md`` gets the table blog value vs
reproduced value, and the exit code is 1 when a target is missed::

    netlib reproduce [--only NAME ...]     # or: make reproduce

``--seeds N`` instead runs every experiment with a seeded target under seeds
0 .. N-1 (into ``runs/seeds/``) and records each target metric's values in
``results/seed_spread.json``, from which the report derives the stochastic
targets' tolerances::

    netlib reproduce --seeds 5 [--only NAME ...]
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from netlib import cli
from netlib.cli import flags
from netlib.errors import UsageError
from netlib.files import read_json, write_json
from experiments.registry import EXPERIMENTS
from experiments.report import RESULTS, ROOT, report
from experiments.results_files import (RUN_TIMES, SEED_SPREAD, read_object,
                                       recorded_metrics, run_times, set_timings_aside)

SEED_RUNS = ROOT / 'runs' / 'seeds'


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--only', action='append', default=[], metavar='NAME',
                        choices=[experiment.name for experiment in EXPERIMENTS],
                        help='run only this experiment (repeatable)')
    parser.add_argument('--results', type=Path, default=RESULTS,
                        help='folder of the reference outputs')
    parser.add_argument('--seeds', type=flags.positive_int, metavar='N',
                        help='measure the seed spread of the stochastic targets over seeds '
                             '0 .. N-1 instead (writes results/seed_spread.json)')
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
    succeeded = False
    try:
        succeeded = run_module(experiment, final)
        if succeeded:
            set_timings_aside(final)
    finally:
        if succeeded:
            shutil.rmtree(previous, ignore_errors=True)
        else:
            shutil.rmtree(final, ignore_errors=True)
            if previous.exists():
                previous.rename(final)
    return recorded_metrics(experiment, results) if succeeded else None


def run_module(experiment, out, *extra):
    """``python -m MODULE ARGS --out OUT EXTRA`` in the repository; whether it succeeded."""
    command = [sys.executable, '-m', experiment.module, *experiment.args,
               '--out', os.path.relpath(out, ROOT), *extra]
    print('$ python', ' '.join(command[1:]), flush=True)
    return subprocess.run(command, cwd=ROOT).returncode == 0


def measure_spread(experiments, seeds, results):
    """Run each seeded experiment under every seed; record its target metrics' values."""
    path = results / SEED_SPREAD
    for experiment in (e for e in experiments if e.seeded):
        # with each metric a target is measured against, to count the seeds meeting it
        values = {metric: [] for target in experiment.targets if target.seeded
                  for metric in (target.metric, target.against) if metric}
        for seed in range(seeds):
            out = SEED_RUNS / experiment.name / f'seed-{seed}'
            shutil.rmtree(out, ignore_errors=True)  # an earlier measurement's run
            print(f'{experiment.name}, seed {seed}', flush=True)
            if not run_module(experiment, out, '--seed', str(seed)):
                raise SystemExit(f'{experiment.name} failed with --seed {seed}')
            metrics = read_json(out / 'metrics.json')
            for metric in values:
                values[metric].append(metrics[metric])
        spread = read_object(path, 'an object of seed spreads')  # merged, not replaced
        spread[experiment.name] = {'seeds': list(range(seeds)), 'metrics': values}
        write_json(path, spread)  # after each experiment: an interruption keeps the rest
        for metric, measured in values.items():
            print(f'  {metric}: {measured}')


def main(argv=None):
    args = parse_args(argv)
    try:
        args.results.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a file of that name, a read-only place
        raise UsageError(f'--results {args.results}: cannot make the folder '
                         f'({error.strerror})') from None
    chosen = [e for e in EXPERIMENTS if not args.only or e.name in args.only]
    if args.seeds:
        measure_spread(chosen, args.seeds, args.results)
        report(args.results)
        return
    started, fresh = time.perf_counter(), {}
    times = run_times(args.results)
    for number, experiment in enumerate(chosen, start=1):
        print(f'[{number}/{len(chosen)}] {experiment.name}', flush=True)
        begun = time.perf_counter()
        fresh[experiment.name] = run_experiment(experiment, args.results)
        times[experiment.name] = round(time.perf_counter() - begun, 1)
        print(f'[{number}/{len(chosen)}] {experiment.name} done in '
              f'{times[experiment.name]:.1f} s', flush=True)
    write_json(args.results / RUN_TIMES, times)
    rows = report(args.results, fresh)
    checked = [row for row in rows if row.experiment.name in fresh]
    missed = [row for row in checked if not row.passed]
    for row in missed:
        print(f'MISSED {row.experiment.name}: {row.target.label}: got {row.value!r}, '
              f'want {row.target.criterion(row.spread, row.metrics)}')
    print(f'{len(checked) - len(missed)}/{len(checked)} targets met in '
          f'{time.perf_counter() - started:.1f} s')
    sys.exit(1 if missed else 0)


if __name__ == '__main__':
    cli.run_main(main)
