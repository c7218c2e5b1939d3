"""Transfer learning: a net pretrained on MNIST digits 0-4 learns new digits from N images a class.

A net (``--net``: a LeNet-sized CNN, or an MLP) is pretrained on every training
image of the digits 0-4 (saved as ``pretrained.npz``; ``--pretrained`` takes one
from another run).  Then the digits 5-9 are learnt from only N labelled images
per class, three ways, each from ``--seeds`` draws of the N images:

* ``scratch``: a new net from random weights;
* ``finetune``: every layer starts from the pretrained net (a new last layer);
* ``frozen``: the pretrained hidden layers fixed (``disable_update``), only a
  new last ``L.Linear`` trained on their features.

The second target is scikit-learn's bundled 8x8 digits (all ten classes,
rescaled to 28x28; half of each class held out for testing).  A snapshot is
taken after every ``--frequency`` learning runs; ``--resume`` continues::

    python -m experiments.transfer_learning
    python -m experiments.transfer_learning --per-class 1,10,100 --seeds 2 --steps 100
    python -m experiments.transfer_learning --net mlp --unit 256
"""

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer
import numpy as np

from netlib import cli, kernels, plots
from netlib.cli import flags
from netlib.cli.memory import refuse_unless_fits
from netlib.serializers import saved_models
from netlib.datasets.mnist import load_mnist
from netlib.datasets.small_digits import load_small_digits, split_per_class
from netlib.errors import UsageError
from netlib.evaluation import predict
from netlib.training.runs import Run
from netlib.links.transfer import learn, new_net, transfer_net

DEFAULTS = dict(
    epoch=2,              # pretraining sweeps over MNIST's digits 0-4 (30,596 images)
    batchsize=100,
    unit=64,              # units of the CNN's hidden layer (the MLP's two: 256 before)
    optimizer='adam',
    data_dir=None,
    frequency=10,         # snapshot every 10 learning runs
    out='runs/transfer_learning',
)
METHODS = ('scratch', 'finetune', 'frozen')
NETS = {'cnn': 'a CNN', 'mlp': 'an MLP'}  # for the plot's title
TARGETS = {'mnist': 'MNIST digits 5-9', 'sklearn': "scikit-learn's 8x8 digits 0-9"}


def add_flags(group):
    group.add_argument('--net', choices=('cnn', 'mlp'), default='cnn',
                       help='the pretrained net: MLP 784-unit-unit or LeNet (netlib.links.convnets)')
    group.add_argument('--per-class', type=flags.name_list(flags.positive_int),
                       default=[1, 5, 10, 50, 100, 1000],
                       help='labelled images per class to learn from (comma-separated)')
    group.add_argument('--seeds', type=flags.positive_int, default=5,
                       help='draws of the labelled images (and initial weights) per point')
    group.add_argument('--steps', type=flags.positive_int, default=300,
                       help='updates of each learning run (minibatches drawn with replacement)')
    group.add_argument('--pretrained', metavar='NPZ',
                       help='the pretrained net saved by an earlier run (default: pretrain)')


@kernels.blas_threads(1)  # small matrices: a second OpenBLAS thread spins (kernels.py)
def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    run = Run(args)

    # 0: load data: MNIST 0-4 to pretrain; 5-9 (as 0-4) and the small digits to learn
    x_train, t_train = load_mnist(args.data_dir, 'train')
    x_test, t_test = load_mnist(args.data_dir, 'test')
    x_small, t_small = load_small_digits()
    small_pool, small_test = split_per_class(t_small, test_share=0.5)
    new = {'mnist': (x_train, t_train - 5, np.flatnonzero(t_train >= 5),
                     x_test[t_test >= 5], t_test[t_test >= 5] - 5),
           'sklearn': (x_small, t_small, small_pool, x_small[small_test], t_small[small_test])}
    smallest = {name: np.bincount(t[pool]).min() for name, (_, t, pool, _, _) in new.items()}
    check_per_class(args.per_class, smallest)
    # every learning run's place in the grid and its log record (about a kilobyte)
    refuse_unless_fits(1024 * len(new) * len(args.per_class) * args.seeds,
                       f'--seeds {args.seeds} for {len(args.per_class)} N a target')

    # 1: settings: the pretrained net (loaded before the run folder is made, so a wrong
    # file leaves none), then every (target, N, seed) learning run
    pretrained = new_net(args.net, args.unit, 5)
    earlier = args.pretrained or (run.snapshot and run.snapshot.parent / 'pretrained.npz')
    if earlier:
        saved_models.load(earlier, pretrained)
    old = np.flatnonzero(t_train < 5)
    updates = None if earlier else pretraining_updates(args, len(old))
    grid = [(name, n, seed) for name in new for n in sorted(args.per_class) if n <= smallest[name]
            for seed in range(args.seeds)]
    print(f'{args.net} (unit {args.unit}); {len(grid)} learning runs of {args.steps} '
          f'updates, each three ways -> {run.out}')

    # 2: training: pretrain on 0-4 (unless loaded), then learn the new digits
    if not earlier:
        learn(pretrained, x_train[old], t_train[old], updates, args.batchsize, args.optimizer)
    saved_models.save(run.path('pretrained.npz'), pretrained)
    old_accuracy = float(np.mean(predict(pretrained, x_test[t_test < 5]) == t_test[t_test < 5]))
    print(f'pretrained on digits 0-4: test accuracy {old_accuracy:.4f}')
    # Snapshots hold the net via an optimizer that never steps: SGD keeps no state to save.
    keeper = chainer.optimizers.SGD().setup(pretrained)
    manager = run.manager({'pretrained': keeper}, (len(grid), 'iteration'),
                          log_every=(1, 'iteration'),
                          columns=['n_per_class', *(f'{m}/accuracy' for m in METHODS)])
    for iteration in manager:
        name, n, seed = grid[iteration - 1]
        x, t, pool, x_eval, t_eval = new[name]
        np.random.seed([args.seed, seed, n, list(new).index(name)])  # this run's own draws
        labels = np.unique(t[pool])
        chosen = np.concatenate([np.random.choice(pool[t[pool] == label], n, replace=False)
                                 for label in labels])  # n images of each class
        state = np.random.get_state()
        chainer.report({'n_per_class': n})
        for method in METHODS:  # the same images, initial last layer and batches
            np.random.set_state(state)
            net = transfer_net(pretrained, new_net(args.net, args.unit, len(labels)), method)
            learn(net, x[chosen], t[chosen], args.steps, args.batchsize, args.optimizer,
                  frozen=method == 'frozen')
            chainer.report({f'{method}/accuracy': float(np.mean(predict(net, x_eval) == t_eval))})

    # 3: results and plots
    table = {name: {method: {} for method in METHODS} for name in new}
    for (name, n, _), record in zip(grid, manager.log):
        for method in METHODS:
            table[name][method].setdefault(n, []).append(record[f'{method}/accuracy'])
    summary = print_table(table)
    plot_paired_gains(run.path('accuracy_vs_n.png'), table, args.net)
    return run.save_metrics({'pretrained_accuracy_0_4': old_accuracy, 'table': summary,
                             **claims(table)})


def plot_paired_gains(path, table, net):
    """Each draw's test accuracy gained over scratch (the same images and batches), per N:
    the claims are about these pairs, which overlapping accuracy bands hid."""
    panels = {TARGETS[name]: {
        method: (sorted(runs['scratch']),
                 [[ours - scratch for ours, scratch in zip(runs[method][n], runs['scratch'][n])]
                  for n in sorted(runs['scratch'])])
        for method in METHODS if method != 'scratch'} for name, runs in table.items()}
    plots.plot_paired(path, panels, f'Accuracy gained over learning from scratch, '
                      f'{NETS[net]} pretrained on MNIST 0-4\n(each point a draw: the same '
                      'images and batches for both)', 'labelled images per class (log scale)',
                      'test accuracy minus scratch', 'no gain')


def check_per_class(per_class, smallest):
    """Refuse, before the run folder, a --per-class that leaves a target nothing to learn."""
    for name, images in smallest.items():
        if min(per_class) > images:
            raise UsageError(f'--per-class {",".join(map(str, per_class))}: the smallest class '
                             f'of {TARGETS[name]} has {images:,} images to learn from; give '
                             f'at least one N of at most {images:,}')


def pretraining_updates(args, images):
    """Updates of --epoch sweeps over *images*; refused where that is not one batch."""
    updates = args.epoch * images // args.batchsize
    if updates == 0:
        raise UsageError(f'--epoch {args.epoch} over the {images:,} images of digits 0-4 is '
                         f'less than one batch of --batchsize {args.batchsize}: pretraining '
                         f'would make no update')
    return updates


def print_table(table):
    """``{target: {method: {n: [mean, sd]}}}``, printed as a table."""
    summary = {}
    for name, methods in table.items():
        print(f'{TARGETS[name]}: test accuracy, mean ± sd over seeds')
        print('N per class' + ''.join(f'{method:>18s}' for method in METHODS))
        summary[name] = {m: {n: [float(np.mean(v)), float(np.std(v))] for n, v in runs.items()}
                         for m, runs in methods.items()}
        for n in summary[name]['scratch']:
            print(f'{n:11d}' + ''.join('{:>11.4f} ± {:.3f}'.format(*summary[name][m][n])
                                       for m in METHODS))
    return summary


def claims(table):
    """Transfer's gain over scratch at the smallest and the largest N (the better method's
    mean; each method's smallest over the seeds, paired: the same images and batches); the
    smallest N from which fine-tuning wins in every draw; and where the curves meet: the
    smallest N from which scratch is within 0.01 of transfer."""
    metrics = {}
    for name, methods in table.items():
        ns = sorted(methods['scratch'])
        gains = {method: {n: np.subtract(methods[method][n], methods['scratch'][n]) for n in ns}
                 for method in METHODS[1:]}
        best = {n: float(max(gains[method][n].mean() for method in gains)) for n in ns}
        metrics[f'{name}_gain_smallest_n'] = best[ns[0]]
        metrics[f'{name}_gain_largest_n'] = best[ns[-1]]
        for method in gains:
            metrics[f'{name}_{method}_least_gain_smallest_n'] = float(gains[method][ns[0]].min())
        metrics[f'{name}_finetune_wins_every_draw_from_n'] = next(  # at this N and every larger
            (n for k, n in enumerate(ns) if all(gains['finetune'][m].min() > 0 for m in ns[k:])),
            None)
        metrics[f'{name}_curves_meet_at_n'] = next(
            (n for k, n in enumerate(ns) if all(best[m] <= 0.01 for m in ns[k:])), None)
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
