"""The drift table: every metric that differs between two reproductions (say NumPy 1 and 2).

::

    netlib reproduce --results /tmp/results-3.13     # on the other stack
    python -m experiments.drift results /tmp/results-3.13 --output results/drift.md
"""

import json
import math
from pathlib import Path

from netlib import cli
from netlib.files import atomic_write, read_json
from experiments.registry import EXPERIMENTS

TIMINGS = ('second', 'elapsed')  # wall-clock numbers differ by nature: left out


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('before', type=Path, help='results folder of the first stack')
    parser.add_argument('after', type=Path, help='results folder of the second stack')
    parser.add_argument('--output', type=Path, help='also write the table here (Markdown)')
    return parser.parse_args(argv)


def flatten(value, key=''):
    """``{'a': [1, {'b': 2}]}`` -> ``{'a.0': 1, 'a.1.b': 2}``: every number with its path."""
    if isinstance(value, dict):
        return {k: v for name, item in value.items()
                for k, v in flatten(item, f'{key}.{name}' if key else name).items()}
    if isinstance(value, list):
        return {k: v for index, item in enumerate(value)
                for k, v in flatten(item, f'{key}.{index}').items()}
    return {key: value}


def differences(before, after):
    """Rows (metric, before, after, relative difference) for the numbers that differ."""
    rows = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a == b or any(word in key for word in TIMINGS):
            continue
        numeric = all(isinstance(v, (int, float)) and math.isfinite(v) for v in (a, b))
        relative = abs(a - b) / max(abs(a), abs(b)) if numeric else None
        rows.append((key, a, b, relative))
    return rows


def table(before_dir, after_dir):
    lines = ['| experiment | metric | before | after | relative difference |',
             '|---|---|---|---|---|']
    for experiment in EXPERIMENTS:
        paths = [folder / experiment.name / 'metrics.json' for folder in (before_dir, after_dir)]
        if not all(path.exists() for path in paths):
            lines.append(f'| `{experiment.name}` | (not in both) | | | |')
            continue
        rows = differences(*(flatten(read_json(path)) for path in paths))
        if not rows:
            lines.append(f'| `{experiment.name}` | all identical | | | |')
        for key, a, b, relative in rows:
            shown = '' if relative is None else f'{relative:.1e}'
            lines.append(f'| `{experiment.name}` | {key} | {json.dumps(a)} | {json.dumps(b)} '
                         f'| {shown} |')
    return lines


def main(argv=None):
    args = parse_args(argv)
    lines = table(args.before, args.after)
    print('\n'.join(lines))
    if args.output:
        atomic_write(args.output, lambda handle: handle.write('\n'.join(lines) + '\n'))


if __name__ == '__main__':
    cli.run_main(main)
