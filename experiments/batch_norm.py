"""Batch normalization ("Deep Learning from Scratch" 6.3): does training still depend on the
initial weight scale?  Relu nets without and with batch norm, from weight stds 1 to 1e-4::

    netlib run batch_norm --scales 4 --epoch 5
"""

import functools

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer
import numpy as np
from chainer import initializers

from netlib import MLP, cli, flags, plots, probes, steps
from netlib.datasets.mnist import load_mnist
from netlib.evaluation import evaluate
from netlib.regularized import BatchNormMLP
from netlib.runs import Run

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
    run = Run(args)

    # 0: load data
    x, t = run.device.send(load_mnist(args.data_dir, 'train', limit=args.train_size))
    run.check_batchsize(len(x))

    # 1: settings: per scale a plain and a batch norm net from the same seed
    scales = np.logspace(0, np.log10(args.smallest_scale), args.scales)
    nets = {'plain': MLP, 'batchnorm': functools.partial(BatchNormMLP, eps=args.eps)}
    specs = {f'{kind}-{index}': (net, scale)
             for index, scale in enumerate(scales) for kind, net in nets.items()}
    models, trainers, streams = probes.compared_nets(
        specs, lambda name: specs[name][0](probes.mnist_mlp_sizes(args), 'relu',
                                           initializers.Normal(specs[name][1])), args, run.device)
    print(f'{args.hidden_layers + 1}-layer relu nets, {len(x)} MNIST images, {args.epoch} '
          f'epochs, {args.optimizer}: {len(scales)} scales x (plain, batchnorm) -> {run.out}')

    # 2: training, each net on its own batches; a plain net from large weights diverges
    # (part of the finding), so its loss may overflow
    iterations_per_epoch = len(x) // args.batchsize
    manager = run.manager(trainers, (args.epoch, 'epoch'),
                          iterations_per_epoch=iterations_per_epoch, columns=(),
                          allow_divergence=tuple(models), extra_extensions=[streams])
    with np.errstate(over='ignore', invalid='ignore'):
        for iteration in manager:
            for name, model in models.items():
                with streams.use(name):
                    indices = probes.random_batch(len(x), args.batchsize, model.xp)
                    steps.update(trainers[name], model(x[indices], t[indices]))
                if iteration % iterations_per_epoch == 0:
                    chainer.report({'train_accuracy': evaluate(model, x, t)['accuracy']}, model)

    # 3: results and plots
    log = manager.log
    curves = {name: [record[f'{name}/train_accuracy'] for record in log] for name in models}
    finals = {kind: [curves[f'{kind}-{i}'][-1] for i in range(len(scales))] for kind in nets}
    print('  weight std   train accuracy (plain / batchnorm)')
    for index, scale in enumerate(scales):
        diverged = [kind for kind in nets if not np.isfinite(log[-1][f'{kind}-{index}/loss'])]
        print(f'  {scale:10.2e}   {finals["plain"][index]:.3f} / {finals["batchnorm"][index]:.3f}'
              + (f'   ({" and ".join(diverged)} diverged)' if diverged else ''))
    epochs = [record['epoch'] for record in log]
    panels = {f'W std {scale:.2g}': {kind: (epochs, curves[f'{kind}-{index}']) for kind in nets}
              for index, scale in enumerate(scales)}
    plots.plot_panels(run.path('accuracy_grid.png'), panels, columns=4, ylim=(0, 1),
                      title='Training accuracy per epoch, with and without batch norm, '
                            'by initial weight std', xlabel='epoch', ylabel='train accuracy')
    figure, axes = plots.plt.subplots(figsize=(6.4, 4.2))
    for kind, values in finals.items():
        axes.plot(scales, values, marker='o', label=kind)
    axes.set(xscale='log', ylim=(0, 1), xlabel='std of the initial weights (log scale)',
             ylabel='training accuracy',
             title=f'Training accuracy after {args.epoch} epochs by initial weight scale')
    axes.grid(True, alpha=0.3)
    axes.legend()
    plots.save_figure(figure, run.path('final_accuracy.png'))
    metrics = summarise(scales, finals)
    print(f'worst scale for the plain net: std {metrics["worst_scale"]:.2g}, where it reaches '
          f'{metrics["plain_accuracy_at_worst_scale"]:.3f} and batch norm '
          f'{metrics["batchnorm_accuracy_at_worst_scale"]:.3f}; batch norm is better at '
          f'{metrics["scales_where_batchnorm_is_better"]} of {len(scales)} scales')
    return run.save_metrics(metrics)


def summarise(scales, finals):
    """The comparison at the scale where the plain net does worst, and the win count."""
    plain, normed = np.array(finals['plain']), np.array(finals['batchnorm'])
    worst = int(np.argmin(plain))
    return {'weight_scales': scales.tolist(),
            **{f'{kind}_train_accuracy': values for kind, values in finals.items()},
            'worst_scale': float(scales[worst]),
            'plain_accuracy_at_worst_scale': float(plain[worst]),
            'batchnorm_accuracy_at_worst_scale': float(normed[worst]),
            'batchnorm_minus_plain_at_worst_scale': float(normed[worst] - plain[worst]),
            'scales_where_batchnorm_is_better': int(np.sum(normed > plain))}


if __name__ == '__main__':
    cli.run_main(main)
