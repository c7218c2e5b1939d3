"""The report: ``results/README.md``, blog value against reproduced value, from the outputs.

::

    netlib report        # rewrite results/README.md without rerunning anything
    netlib list          # the experiments, their posts, targets and run times
"""

from pathlib import Path

from netlib.files import atomic_write, read_json
from experiments.registry import EXPERIMENTS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / 'results'
RUN_TIMES = 'run_times.json'  # seconds per experiment, from the last reproduction


def recorded_metrics(experiment, results):
    """The metrics of an experiment's reference output, if it has one."""
    path = results / experiment.name / 'metrics.json'
    return read_json(path) if path.exists() else None


def check(experiment, metrics):
    """Rows of (experiment, target, value, passed) for the results table."""
    rows = []
    for target in experiment.targets:
        value = None if metrics is None else metrics.get(target.metric)
        rows.append((experiment, target, value, target.passes(value)))
    return rows


def write_readme(results, rows):
    lines = ['# Reproduced results', '',
             'Written by `make reproduce` (`netlib reproduce`; `netlib report` rewrites it) from '
             'the reference outputs in this folder.', '',
             '| experiment | target | blog value | reproduced | criterion | result |',
             '|---|---|---|---|---|---|']
    for experiment, target, value, passed in rows:
        shown = 'not run or failed' if value is None else f'{value!r}'
        lines.append(f'| `{experiment.name}` | {target.label} | {target.blog!r} | {shown} '
                     f'| {target.criterion()} | {"pass" if passed else "**FAIL**"} |')
    lines.append('')
    for experiment in {row[0].name: row[0] for row in rows}.values():
        lines += [f'## {experiment.name}', '', f'Source: {experiment.source}', '',
                  f'Command: `netlib run {experiment.module.split(".")[-1]} '
                  f'{" ".join(experiment.args)}`'.replace(' `', '`'), '']
        lines += [f'![{plot}]({experiment.name}/{plot})' for plot in experiment.plots]
        lines.append('')
    atomic_write(results / 'README.md', lambda handle: handle.write('\n'.join(lines)))


def report(results=RESULTS, fresh=None):
    """Rewrite ``results/README.md`` from the outputs (*fresh* metrics take precedence)."""
    fresh = fresh or {}
    rows = []
    for experiment in EXPERIMENTS:
        metrics = (fresh[experiment.name] if experiment.name in fresh
                   else recorded_metrics(experiment, results))
        rows += check(experiment, metrics)
    write_readme(results, rows)
    return rows


def list_experiments(results=RESULTS):
    """Each experiment: its source, targets and the time its last reproduction took."""
    times = read_json(results / RUN_TIMES) if (results / RUN_TIMES).exists() else {}
    for experiment in EXPERIMENTS:
        seconds = times.get(experiment.name)
        took = f'{seconds:.0f} s on 2 cores' if seconds is not None else 'not timed yet'
        print(f'{experiment.name}  ({took})\n  netlib run {experiment.module.split(".")[-1]} '
              f'{" ".join(experiment.args)}\n  source: {experiment.source}')
        for target in experiment.targets:
            print(f'  target: {target.label}: {target.metric} {target.criterion()} '
                  f'(blog {target.blog!r})')
