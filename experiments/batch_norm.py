"""Batch normalization: does training still depend on the initial weight scale?

"Deep Learning from Scratch" ch. 6.3's batch_norm_test.py in Chainer: a relu
net of 5 hidden layers of 100 learns 1,000 MNIST training images (SGD, lr
0.01, batches of 100), without and with ``L.BatchNormalization`` before
every hidden activation, from initial weights of 16 standard deviations
from 1 down to 1e-4.  Both nets of a pair start from the same weights and
see the same batches; all the nets train side by side in one loop, and
after every epoch each one's accuracy on the training images is measured
in test mode (batch norm on its running averages)::

    netlib run batch_norm --scales 4 --epoch 5

Files in the run folder: ``accuracy_grid.png`` (the book's figure),
``final_accuracy.png``, ``metrics.json``, ``log``.
"""

import functools

import chainer
import numpy as np
from chainer import initializers

from netlib import Classifier, MLP, cli, flags, optimizers, plots, probes, steps
from netlib.datasets.mnist import load_mnist
from netlib.evaluation import evaluate
from netlib.regularized import BatchNormMLP
from netlib.runs import Run
from netlib.seed import set_seed
from netlib.snapshots import RandomStreams

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
    models, trainers, streams = {}, {}, RandomStreams()
    for index, scale in enumerate(scales):
        for kind, net in nets.items():
            name = f'{kind}-{index}'
            set_seed(args.seed)  # the pair's initial weights and batches
            models[name] = Classifier(net(probes.mnist_mlp_sizes(args), 'relu',
                                          initializers.Normal(scale)))
            models[name].to_device(run.device)
            trainers[name] = optimizers.from_args(args, models[name])
            streams.add(name)
    print(f'{args.hidden_layers + 1}-layer relu nets, {len(x)} MNIST images, {args.epoch} '
          f'epochs, {args.optimizer}: {len(scales)} scales x (plain, batchnorm) -> {run.out}')

    # 2: training, every net on its own batches; a plain net from large weights
    # diverges (part of the finding), so its loss may overflow
    iterations_per_epoch = len(x) // args.batchsize
    manager = run.manager(trainers, (args.epoch, 'epoch'),
                          iterations_per_epoch=iterations_per_epoch,
                          columns=(), allow_divergence=tuple(models),
                          extra_extensions=[streams])
    with np.errstate(over='ignore', invalid='ignore'):
        for iteration in manager:
            for name, model in models.items():
                with streams.use(name):
                    indices = probes.random_batch(len(x), args.batchsize, model.xp)
                    steps.update(trainers[name], model(x[indices], t[indices]))
                if iteration % iterations_per_epoch == 0:
                    chainer.report({'train_accuracy': evaluate(model, x, t)['accuracy']},
                                   model)

    # 3: results and plots
    log = manager.log
    curves = {name: [record[f'{name}/train_accuracy'] for record in log] for name in models}
    finals = {kind: [curves[f'{kind}-{index}'][-1] for index in range(len(scales))]
              for kind in nets}
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
    plot_final_accuracy(run.path('final_accuracy.png'), scales, finals, args.epoch)
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
            'plain_train_accuracy': finals['plain'],
            'batchnorm_train_accuracy': finals['batchnorm'],
            'worst_scale': float(scales[worst]),
            'plain_accuracy_at_worst_scale': float(plain[worst]),
            'batchnorm_accuracy_at_worst_scale': float(normed[worst]),
            'batchnorm_minus_plain_at_worst_scale': float(normed[worst] - plain[worst]),
            'scales_where_batchnorm_is_better': int(np.sum(normed > plain))}


def plot_final_accuracy(path, scales, finals, epochs):
    figure, axes = plots.plt.subplots(figsize=(6.4, 4.2))
    for kind, values in finals.items():
        axes.plot(scales, values, marker='o', label=kind)
    axes.set_xscale('log')
    axes.set_ylim(0, 1)
    axes.set_title(f'Training accuracy after {epochs} epochs by initial weight scale')
    axes.set_xlabel('std of the initial weights (log scale)')
    axes.set_ylabel('training accuracy')
    axes.grid(True, alpha=0.3)
    axes.legend()
    plots.save_figure(figure, path)


if __name__ == '__main__':
    cli.run_main(main)
