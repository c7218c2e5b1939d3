"""Is there anything for ``netlib tune mnist_mlp`` to find at its budget?

mnist_mlp's defaults and a few hand-picked alternatives, each at a budget
(default: SEARCH_SPACE's), trained with seeds 0-4; the accuracy on the
searched and on the held-out test images, mean and sd, and each one's paired
difference from the defaults (seed by seed) with two standard errors.  The
evidence behind the budget and the comment beside SEARCH_SPACE::

    python -m bench.tune_budget [--train-size 2000] [--out runs/tune-budget]
"""

import argparse
import statistics
from pathlib import Path

from bench.tune_acceptance import HELD_OUT, SEEDS, held_out_accuracy, paired
from experiments import mnist_mlp
from netlib import api
from netlib.datasets.mnist import load_mnist

CANDIDATES = {'defaults': {}, 'batch 32': dict(batchsize=32), 'lr 3e-3': dict(lr=3e-3),
              'batch 32, lr 3e-4': dict(batchsize=32, lr=3e-4), 'lr 5e-4': dict(lr=5e-4),
              'unit 300': dict(unit=300), 'unit 2000': dict(unit=2000)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--train-size', type=int,
                        default=mnist_mlp.SEARCH_SPACE.budget['train_size'])
    parser.add_argument('--out', default='runs/tune-budget', type=Path)
    args = parser.parse_args()
    budget = {**mnist_mlp.SEARCH_SPACE.budget, 'train_size': args.train_size}
    x, t = load_mnist(None, 'test')
    x, t = x[HELD_OUT], t[HELD_OUT]
    lines = [f'budget: `{" ".join(flags.command_line(budget))}`, seeds 0-4', '',
             '| flags | searched: mean | sd | minus defaults | 2 SE | held-out: mean | sd '
             '| minus defaults | 2 SE |', '| --- ' * 9 + '|']
    scores = {}
    for name, flags in CANDIDATES.items():
        scores[name] = []
        for seed in SEEDS:
            folder = args.out / f'{name.replace(", ", "-").replace(" ", "")}-seed{seed}'
            metrics = mnist_mlp.main([*flags.command_line({**budget, **flags}), '--seed',
                                      str(seed), '--out', str(folder)])
            scores[name].append((metrics['test_accuracy'], held_out_accuracy(folder, x, t)))
        cells = []
        for column in (0, 1):
            values = [score[column] for score in scores[name]]
            mean, error = paired(scores[name], scores['defaults'], column)
            cells += [f'{statistics.mean(values):.4f}', f'{statistics.stdev(values):.4f}',
                      f'{mean:+.4f}', f'{2 * error:.4f}']
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
