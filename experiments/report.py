"""The report: ``results/README.md``, the posts' numbers and the claims against what was measured.

::

    netlib report        # rewrite results/README.md without rerunning anything
    netlib list          # the experiments, their posts, targets and run times

Both are ``netlib`` subcommands through the entry points in setup.py (``netlib.commands``).
"""

import collections
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from netlib import cli
from netlib.cli import registry
from netlib.files import atomic_write
from experiments.registry import EXPERIMENTS
from experiments.results_files import (recorded_metrics, results_folder, run_times,
                                       seed_spreads)
from experiments.targets import Spread, rounded

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / 'results'


@dataclass
class Row:
    """One target checked against one run's metrics."""

    experiment: object
    target: object
    value: float
    passed: bool
    spread: Spread = None
    metrics: dict = None  # the run's, for a target measured against another metric
    against: Spread = None  # that other metric at the same seeds, where it was kept

    def seeds_meeting(self):
        """'k of n seeds' meeting the criterion, or '' without a spread."""
        if self.spread is None:
            return ''
        references = [{}] * len(self.spread.values)
        if self.target.against:
            if self.against is None or len(self.against.values) != len(self.spread.values):
                return f'`{self.target.against}` not kept per seed'
            references = [{self.target.against: value} for value in self.against.values]
        met = sum(self.target.passes(value, reference, self.spread)
                  for value, reference in zip(self.spread.values, references))
        return f'{met} of {len(self.spread.values)}'

    def shown(self):
        """The value one place finer than its seed spread, else than its criterion's tolerance
        or bound; every digit where the criterion is an exact match."""
        if self.value is None:
            return 'not run or failed'
        tolerance, bound = self.target.resolved(self.spread)
        if self.target.kind == 'close' and tolerance == 0:
            return repr(self.value)
        criterion_scale = tolerance if self.target.kind == 'close' else abs(bound or 0)
        return rounded(self.value, (self.spread.sd if self.spread else 0) or criterion_scale)


def check(experiment, metrics, spreads):
    rows = []
    for target in experiment.targets:
        value = None if metrics is None else metrics.get(target.metric)
        spread = spreads.get((experiment.name, target.metric)) if target.seeded else None
        rows.append(Row(experiment, target, value, target.passes(value, metrics or {}, spread),
                        spread, metrics, spreads.get((experiment.name, target.against))))
    return rows


POST_COLUMNS = ('experiment', 'number', 'the post printed', 'blog value', 'reproduced',
                'criterion', 'seed spread', 'result')
CLAIM_COLUMNS = ('experiment', 'claim', 'measured', 'criterion', 'criterion from',
                 'seed spread', 'seeds meeting it', 'result')


def post_cells(row):
    quote = row.target.quote
    return (f'`{row.experiment.name}`', row.target.label, f'`{quote.line}`', quote.printed,
            row.shown(), row.target.criterion(row.spread), row.spread or '', verdict(row))


def claim_cells(row):
    return (f'`{row.experiment.name}`', row.target.label, row.shown(),
            row.target.criterion(row.spread, row.metrics), row.target.basis, row.spread or '',
            row.seeds_meeting(), verdict(row))


def markdown_table(columns, rows, cells):
    return ['| ' + ' | '.join(columns) + ' |', '|' + '---|' * len(columns),
            *('| ' + ' | '.join(map(str, cells(row))) + ' |' for row in rows)]


def verdict(row):
    return 'pass' if row.passed else '**FAIL**'


def write_readme(results, rows):
    posts = [row for row in rows if row.target.quote is not None]
    claims = [row for row in rows if row.target.quote is None]
    lines = ['# Reproduced results', '',
             'Written by `make reproduce` (`netlib reproduce`; `netlib report` rewrites it) from '
             f'the reference outputs in this folder; Python {platform.python_version()}, '
             f'NumPy {np.__version__}.', '',
             summary(posts, claims), '',
             '## Numbers the posts printed', '',
             'Each blog value is quoted from the post. A deterministic number must come out '
             'exactly; a stochastic one within 3 standard deviations of its spread over seeds '
             '(`netlib reproduce --seeds 5`), and never tighter than the post printed it.', '',
             *markdown_table(POST_COLUMNS, posts, post_cells), '',
             '## Claims', '',
             'What the experiments show beyond the posts\' printed numbers: no blog value, a '
             'measured value and the criterion it must meet, with where the criterion comes '
             'from. The seed spread shows how far the claim holds beyond the reference seed.', '',
             *markdown_table(CLAIM_COLUMNS, claims, claim_cells), '']
    for experiment, metrics in {row.experiment.name: (row.experiment, row.metrics)
                                for row in rows}.values():
        command = f'netlib run {experiment.module.split(".")[-1]} {" ".join(experiment.args)}'
        lines += [f'## {experiment.name}', '', f'Source: {experiment.source}', '',
                  f'Command: `{command.rstrip()}`', '']
        lines += [f'![{plot}]({experiment.name}/{plot})' for plot in experiment.plots]
        lines.append('')
        for key in experiment.texts:
            lines += text_blocks((metrics or {}).get(key) or {})
    atomic_write(results / 'README.md', lambda handle: handle.write('\n'.join(lines)))


def summary(posts, claims):
    """The opening line: how many targets were met, of the posts' numbers and the claims."""
    met = [row for row in posts + claims if row.passed]
    missed = collections.Counter(row.experiment.name for row in posts + claims if not row.passed)
    failed = ', '.join(f'`{name}` ({count})' for name, count in missed.items())
    return (f'**{len(met)} of {len(posts) + len(claims)} targets met**: '
            f'{sum(row.passed for row in posts)} of the {len(posts)} numbers the posts printed, '
            f'{sum(row.passed for row in claims)} of the {len(claims)} claims'
            + (f'; not met: {failed}.' if failed else '.'))


def text_blocks(texts):
    """Each ``{heading: text or [lines]}`` as a heading over a fenced block."""
    lines = []
    for heading, text in texts.items():
        text = '\n'.join(text) if isinstance(text, list) else text
        lines += [f'{heading}:', '', '```', text or '(none)', '```', '']
    return lines


def report(results=RESULTS, fresh=None):
    """Rewrite ``results/README.md`` from the outputs (*fresh* metrics take precedence)."""
    fresh, spreads = fresh or {}, seed_spreads(results)
    rows = []
    for experiment in EXPERIMENTS:
        metrics = (fresh[experiment.name] if experiment.name in fresh
                   else recorded_metrics(experiment, results))
        rows += check(experiment, metrics, spreads)
    write_readme(results, rows)
    return rows


def main(argv=None):
    """Rewrite results/README.md from the outputs, rerunning nothing (``netlib report``)."""
    parser = cli.ArgumentParser(prog='netlib report', description=main.__doc__)
    parser.add_argument('--results', type=Path, default=RESULTS,
                        help='folder of the reference outputs')
    args = parser.parse_args(argv)
    report(results_folder(args.results))
    print(f'wrote {args.results / "README.md"}')


def list_main(argv=None):
    """Every registered experiment and, for each reproduced here, its source, targets and
    the time its last reproduction took (``netlib list``)."""
    parser = cli.ArgumentParser(prog='netlib list', description=list_main.__doc__)
    parser.add_argument('--results', type=Path, default=RESULTS,
                        help='folder of the reference outputs (their run times, seed spreads)')
    args = parser.parse_args(argv)
    times, spreads = run_times(args.results), seed_spreads(args.results)
    registry.list_experiments(lambda name: reproduction_lines(name, times, spreads))


def reproduction_lines(name, times, spreads):
    """How ``netlib reproduce`` runs the script *name*: each command, source and target."""
    lines = []
    for experiment in EXPERIMENTS:
        if experiment.module.split('.')[-1] != name:
            continue
        seconds = times.get(experiment.name)
        took = f'{seconds:.0f} s on 2 cores' if seconds is not None else 'not timed yet'
        # Named by its command: a reproduction's own name is for `netlib reproduce --only`
        # alone (steps_regression_blog is steps_regression --replay-blog).
        command = f'netlib run {name} {" ".join(experiment.args)}'.rstrip()
        lines += [f'reproduced by {command} ({took}; netlib reproduce --only '
                  f'{experiment.name})', f'  source: {experiment.source}']
        for target in experiment.targets:
            spread = spreads.get((experiment.name, target.metric))
            blog = f' (the post: {target.quote.printed})' if target.quote else ''
            lines.append(f'  target: {target.label}: {target.metric} '
                         f'{target.criterion(spread)}{blog}')
    return lines
