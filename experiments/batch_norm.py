"""Batch normalization in the setting of "Deep Learning from Scratch" 6.3.2 (fig. 6-19,
ch06/batch_norm_test.py): 6-layer relu nets (5 hidden layers of 100) without and with batch
norm, trained side by side on 1000 MNIST images (SGD lr 0.01, batches of 100, 20 epochs) from
16 initial weight stds, 1 to 1e-4; the training accuracy (test mode, on the 1000 images)
after each epoch, at each scale, and after the last epoch by scale::

    netlib run batch_norm                       # the book's setting
    netlib run batch_norm --scales 4 --epoch 5  # a quick look
"""

import functools

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer
import numpy as np
from chainer import initializers

from netlib import cli, MLP, plots
from netlib.cli import flags
from netlib.cli.memory import refuse_unless_fits
from netlib.cli.wording import counted
from netlib.datasets.mnist import load_mnist
from netlib.evaluation import evaluate
from netlib.iterators import random_batch
from netlib.links.mlp import mnist_mlp_sizes
from netlib.links.regularized import BatchNormMLP
from netlib import steps
from netlib.training import comparison
from netlib.training.runs import Run

DEFAULTS = dict(
    epoch=20,             # sweeps over the training images, per net
    batchsize=100,
    unit=100,             # units in each hidden layer
    hidden_layers=5,
    optimizer='sgd',      # Chainer's default lr 0.01, as the book's
    data_dir=None,
    train_size=1000,
    out='runs/batch_norm',
)
BOOK_EPS = 1e-6  # the book's BatchNormalization adds 10e-7 to the variance
# The book's running variance starts at 0, Chainer's at 1: from 1, the test-mode accuracy of
# a net from small weights lags its training by over 130 updates (see BatchNormMLP).
BOOK_INITIAL_AVG_VAR = 0


def add_flags(group):
    group.add_argument('--scales', type=flags.positive_int, default=16,
                       help='number of initial weight std values, log-spaced from 1 to '
                            '--smallest-scale')
    group.add_argument('--smallest-scale', type=flags.positive_float, default=1e-4,
                       help='the smallest initial weight std')
    group.add_argument('--eps', type=flags.positive_float, default=BOOK_EPS,
                       help='added to the batch variance before dividing by its root: a '
                            'pre-activation whose variance is far below eps is shrunk, not '
                            'standardised (Chainer default 2e-5, the book 1e-6)')


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    refuse_unless_fits(2 * args.scales * flags.net_bytes(args),
                       f'--scales {args.scales}, a plain and a batch norm net at each,')
    run = Run(args)

    # 0: load data
    x, t = run.device.send(load_mnist(args.data_dir, 'train', limit=args.train_size))
    run.check_batchsize(len(x))

    # 1: settings: per scale a plain and a batch norm net from the same seed
    scales = np.logspace(0, np.log10(args.smallest_scale), args.scales)
    normed = functools.partial(BatchNormMLP, eps=args.eps, initial_avg_var=BOOK_INITIAL_AVG_VAR)
    nets = {'plain': MLP, 'batchnorm': normed}
    specs = {f'{kind}-{index}': (net, scale)
             for index, scale in enumerate(scales) for kind, net in nets.items()}
    models, trainers, streams = comparison.compared_nets(
        specs, lambda name: specs[name][0](mnist_mlp_sizes(args), 'relu',
                                           initializers.Normal(specs[name][1])), args, run.device)
    print(f'{args.hidden_layers + 1}-layer relu nets, {len(x)} MNIST images, '
          f'{counted(args.epoch, "epoch")}, {args.optimizer}: {len(scales)} scales x '
          f'(plain, batchnorm) -> {run.out}')

    # 2: training, each net on its own stream of batches (all from --seed: the same batches,
    # as the book feeds each batch to both nets); a plain net from large weights diverges
    # (part of the finding), so its loss may overflow.  An epoch is 10 updates; the book's
    # loop measures at i % 10 == 0 from i = 0, so after updates 1, 11, ..., 191: its 20
    # points span 191 updates, ours (after updates 10, 20, ..., 200) 20 whole epochs.
    iterations_per_epoch = len(x) // args.batchsize
    manager = run.manager(trainers, (args.epoch, 'epoch'),
                          iterations_per_epoch=iterations_per_epoch, columns=(),
                          allow_divergence=tuple(models), extra_extensions=[streams])
    for iteration in manager:  # quiet where the loss overflows (the manager's errstate)
        for name, model in models.items():
            with streams.use(name):
                indices = random_batch(len(x), args.batchsize, model.xp)
                steps.update(trainers[name], model(x[indices], t[indices]))
            if iteration % iterations_per_epoch == 0:
                chainer.report({'train_accuracy': evaluate(model, x, t)['accuracy']}, model)

    # 3: results and plots
    log = manager.log
    curves = {name: [record[f'{name}/train_accuracy'] for record in log] for name in models}
    finals = {kind: [curves[f'{kind}-{i}'][-1] for i in range(len(scales))] for kind in nets}
    print_finals(log, scales, finals)
    plot_accuracy(run, args, log, scales, curves, finals)
    metrics = summarise(scales, finals)
    print_summary(metrics, scales)
    return run.save_metrics(metrics)


def print_finals(log, scales, finals):
    """Each scale's final training accuracy, plain and batch norm; which nets diverged."""
    print('  weight std   train accuracy (plain / batchnorm)')
    for index, scale in enumerate(scales):
        diverged = [kind for kind in finals if not np.isfinite(log[-1][f'{kind}-{index}/loss'])]
        print(f'  {scale:10.2e}   {finals["plain"][index]:.3f} / {finals["batchnorm"][index]:.3f}'
              + (f'   ({" and ".join(diverged)} diverged)' if diverged else ''))


def plot_accuracy(run, args, log, scales, curves, finals):
    """The accuracy per epoch, one panel per scale; the final accuracy against the scale."""
    epochs = [record['epoch'] for record in log]
    panels = {f'W std {scale:.2g}': {kind: (epochs, curves[f'{kind}-{index}']) for kind in finals}
              for index, scale in enumerate(scales)}
    plots.plot_panels(run.path('accuracy_grid.png'), panels, columns=4, ylim=(0, 1),
                      title='Training accuracy per epoch, with and without batch norm, '
                            'by initial weight std', xlabel='epoch', ylabel='train accuracy')
    figure, axes = plots.plt.subplots(figsize=(6.4, 4.2))
    for kind, values in finals.items():
        axes.plot(scales, values, marker='o', label=kind)
    axes.set(xscale='log', ylim=(0, 1), xlabel='std of the initial weights (log scale)',
             ylabel='training accuracy',
             title=f'Training accuracy after {counted(args.epoch, "epoch")} by initial '
                   'weight scale')
    axes.grid(True, alpha=0.3)
    axes.legend()
    plots.save_figure(figure, run.path('final_accuracy.png'))


def print_summary(metrics, scales):
    """Where batch norm wins, each kind's spread over the scales, the plain net's worst."""
    print(f'batch norm is better at {metrics["scales_where_batchnorm_is_better"]} of '
          f'{len(scales)} scales; over the scales the final train accuracy spans')
    for kind in ('plain', 'batchnorm'):
        low, high, mean = (metrics[f'{kind}_{name}_accuracy'] for name in ('min', 'max', 'mean'))
        print(f'  {kind:>9s}: {low:.3f} to {high:.3f}, mean {mean:.3f}')
    print(f'worst scale for the plain net: std {metrics["worst_scale"]:.2g}, where it reaches '
          f'{metrics["plain_accuracy_at_worst_scale"]:.3f} and batch norm '
          f'{metrics["batchnorm_accuracy_at_worst_scale"]:.3f}')


def summarise(scales, finals):
    """The win count, each kind's spread over the scales, and the plain net's worst scale."""
    plain, normed = np.array(finals['plain']), np.array(finals['batchnorm'])
    worst = int(np.argmin(plain))
    return {'weight_scales': scales.tolist(),
            **{f'{kind}_train_accuracy': values for kind, values in finals.items()},
            **{f'{kind}_{name}_accuracy': float(reduce(values))
               for kind, values in finals.items()
               for name, reduce in (('min', np.min), ('max', np.max), ('mean', np.mean))},
            'worst_scale': float(scales[worst]),
            'plain_accuracy_at_worst_scale': float(plain[worst]),
            'batchnorm_accuracy_at_worst_scale': float(normed[worst]),
            'batchnorm_minus_plain_at_worst_scale': float(normed[worst] - plain[worst]),
            'scales_where_batchnorm_is_better': int(np.sum(normed > plain))}


if __name__ == '__main__':
    cli.run_main(main)
