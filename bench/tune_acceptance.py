"""Issue 15's acceptance for ``netlib tune``: does the search beat the defaults on held-out images?

1. ``netlib tune mnist_mlp --trials 20 --sampler-seed 0`` (its SEARCH_SPACE
   budget: 3 epochs over 2,000 training images, two seeds a trial, scored on
   test images 0-4,999), timed;
2. the best trial's flags and mnist_mlp's defaults, at that same budget, each
   trained with seeds 0-4 and measured on test images 5,000-9,999, which no
   trial saw.  The search wins if the mean of the paired differences (best
   minus defaults, seed by seed) is above two standard errors of that mean.

Writes ``bench/tune_acceptance.md``::

    python -m bench.tune_acceptance [--out runs/tune-acceptance]
"""

import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer

from experiments import mnist_mlp
from netlib import api, Classifier, evaluation, MLP
from netlib.datasets.mnist import load_mnist

HERE = Path(__file__).resolve().parent
# SEARCH_SPACE's budget scores trials on the first test images; the rest are held out.
HELD_OUT = slice(mnist_mlp.SEARCH_SPACE.budget['test_size'], None)
SEEDS = (0, 1, 2, 3, 4)


def held_out_accuracy(folder, x, t):
    """Accuracy on (x, t) of the run's final model, read from its last snapshot."""
    args = json.loads((folder / 'args').read_text())
    model = Classifier(MLP((784, args['unit'], args['unit'], 10), args['activation']))
    chainer.serializers.load_npz(folder / f'snapshot_epoch_{args["epoch"]}', model,
                                 path='updater/model:main/')
    return evaluation.evaluate(model, x, t)['accuracy']


def paired(best, defaults, column):
    """Mean and standard error of the seed-by-seed differences best - defaults in *column*."""
    differences = [b[column] - d[column] for b, d in zip(best, defaults)]
    return (statistics.mean(differences),
            statistics.stdev(differences) / len(differences) ** 0.5)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', default='runs/tune-acceptance', type=Path)
    out = parser.parse_args().out
    tune = ['netlib', 'tune', 'mnist_mlp', '--trials', '20', '--sampler-seed', '0']
    start, load = time.monotonic(), os.getloadavg()[0]
    subprocess.run([sys.executable, '-m', 'netlib.cli.command', *tune[1:], '--out',
                    str(out / 'study')], check=True)
    seconds = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu, load = usage.ru_utime + usage.ru_stime, (load, os.getloadavg()[0])
    best = json.loads((out / 'study' / 'best.json').read_text())
    table = (out / 'study' / 'trials.md').read_text()
    states = [line.split('|')[2].strip() for line in table.splitlines()[2:]]

    x, t = load_mnist(None, 'test')
    x, t = x[HELD_OUT], t[HELD_OUT]
    searched = shlex.split(best['command'])[3:]  # netlib run mnist_mlp FLAGS --seed N
    searched = searched[:searched.index('--seed')]
    default = flags.command_line(mnist_mlp.SEARCH_SPACE.budget)
    rows = []
    for name, flags in (('defaults', default), (f'best (trial {best["trial"]})', searched)):
        scores = []
        for seed in SEEDS:
            folder = out / f'{name.split()[0]}-seed{seed}'
            metrics = mnist_mlp.main([*flags, '--seed', str(seed), '--out', str(folder)])
            scores.append((metrics['test_accuracy'], held_out_accuracy(folder, x, t)))
        rows.append((name, ' '.join(flags), scores))

    lines = [f'`{" ".join(tune)}`: {seconds:.0f} s wall, '
             f'{cpu:.0f} s CPU, load average {load[0]:.1f} before and {load[1]:.1f} after '
             f'on {os.cpu_count()} cores; {len(states)} trials, {states.count("pruned")} pruned, '
             f'{states.count("complete")} complete.', '',
             table, '', '| flags | seed | accuracy on the searched test images | '
             'accuracy on the held-out test images |', '| --- | --- | --- | --- |']
    for name, flags, scores in rows:
        for seed, (scored, held) in zip(SEEDS, scores):
            lines.append(f"| {name} | {seed} | {scored:.4f} | {held:.4f} |")
        lines.append(f'| {name} | mean | {statistics.mean(s for s, _ in scores):.4f} | '
                     f'{statistics.mean(h for _, h in scores):.4f} |')
    lines += ['', *(f'- {name}: `{flags}`' for name, flags, _ in rows), '']
    for column, label in ((0, 'searched'), (1, 'held-out')):
        mean, error = paired(rows[1][2], rows[0][2], column)
        verdict = ('beats the defaults' if mean > 2 * error else
                   'not above the defaults by more than the noise')
        lines.append(f'- {label} test images: best minus defaults, seed by seed, '
                     f'{mean:+.4f} on average, 2 standard errors {2 * error:.4f}: {verdict}')
    report = '\n'.join(lines) + '\n'
    (HERE / 'tune_acceptance.md').write_text(report)
    print(report)


if __name__ == '__main__':
    main()
