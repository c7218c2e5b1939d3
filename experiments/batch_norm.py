"""Batch normalization: training that no longer depends on the initial weight scale.

The post (udacity-dl-overview) admits it does not know why batch
normalization works, only that it keeps extreme values out.  This script
repeats "Deep Learning from Scratch" ch. 6.3's batch_norm_test.py in Chainer:
a 6-layer relu net (5 hidden layers of 100) learns 1,000 MNIST training
images for 20 epochs (SGD, lr 0.01, batches of 100), with and without
``L.BatchNormalization`` before every hidden activation, from initial weights
drawn with each of 16 standard deviations from 1 down to 0.0001.  Both nets of
a pair start from the same weights and see the same batches.

Without batch norm the net learns only in a narrow band of scales: too small
weights shrink the signal layer by layer until every example looks alike, too
large ones blow it up.  With batch norm every hidden layer's input is
re-standardised on each mini-batch, so the net learns from almost any scale.
It learns slowest from the largest: scaling a layer's weights leaves its
batch-normalised output unchanged but divides their gradient by the scale,
so an SGD step of lr 0.01 hardly moves weights of std 1.
Accuracy is that of all the training images, measured in test mode (batch
norm then uses its running averages) after every epoch.  Batch norm divides
by sqrt(variance + eps); eps is the book's 1e-6 (``--eps``): with Chainer's
default 2e-5 the variance at the smallest scales is below eps, the signal
is shrunk instead of standardised, and the batch norm net at std 1e-4 stays
at chance (0.117) instead of reaching 0.43.

Files in the run folder: ``accuracy_grid.png`` (one panel per scale, the
book's figure), ``final_accuracy.png``, ``metrics.json``.
"""

import functools

import numpy as np
from chainer import initializers

from netlib import cli, optimizers, plots, probes, runs, training
from netlib.datasets.mnist import load_mnist
from netlib.device import get_device
from netlib.networks import MLP, Classifier
from netlib.regularized import BatchNormMLP
from netlib.seed import set_seed

BOOK_EPS = 1e-6  # the book's BatchNormalization adds 10e-7 to the variance


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--scales', type=cli.positive_int, default=16,
                        help='number of initial weight std values, log-spaced from 1 to '
                             '--smallest-scale')
    parser.add_argument('--smallest-scale', type=cli.positive_float, default=1e-4,
                        help='the smallest initial weight std')
    probes.add_mlp_arguments(parser, hidden_layers=5)
    parser.add_argument('--epoch', '-e', type=cli.positive_int, default=20,
                        help='sweeps over the training images per net')
    parser.add_argument('--batchsize', '-b', type=cli.positive_int, default=100,
                        help='examples per mini-batch')
    parser.add_argument('--eps', type=cli.positive_float, default=BOOK_EPS,
                        help='added to the batch variance before dividing by its root: '
                             'a pre-activation whose variance is far below eps is shrunk, '
                             'not standardised (Chainer default 2e-5, the book 1e-6)')
    training.add_data_arguments(parser)
    parser.set_defaults(train_size=1000, test_size=2000)
    optimizers.add_arguments(parser, default='sgd')
    cli.add_run_arguments(parser, out_default='runs/batch_norm')
    args = parser.parse_args(argv)
    optimizers.validate(args)
    return args


def nets(args):
    """Name -> constructor ``(sizes, activation, initialW)`` of the two nets compared."""
    return {'batch norm': functools.partial(BatchNormMLP, eps=args.eps), 'plain': MLP}


def train_pair(scale, args, train, test, device):
    """Per net: training accuracy per epoch from weights of std *scale*, and the end state.

    The end state holds the final test accuracy and whether the loss diverged.
    """
    sizes = probes.mnist_mlp_sizes(args)
    curves, ends = {}, {}
    for name, net in nets(args).items():
        set_seed(args.seed)  # both nets: the same initial weights and batches
        model = Classifier(net(sizes, 'relu', initializers.Normal(scale)))
        model.to_device(device)
        optimizer = optimizers.from_args(args, model)
        # A plain net from large weights diverges: part of the finding, so training
        # goes on (silently overflowing) and the printout says so.
        with np.errstate(over='ignore', invalid='ignore'):
            tracked = probes.accuracy_curves(model, optimizer, train, args.batchsize,
                                             args.epoch, {'train': train},
                                             allow_divergence=True)
            ends[name] = {'test': probes.evaluate(model, *test)['accuracy'],
                          'diverged': not np.isfinite(tracked['loss'][-1])}
        curves[name] = tracked['train']
    return curves, ends


def print_row(scale, curves, ends):
    diverged = [name for name, end in ends.items() if end['diverged']]
    note = f'   ({" and ".join(diverged)} diverged: loss not finite)' if diverged else ''
    print(f'  {scale:10.2e}   {curves["batch norm"][-1]:.3f} / {curves["plain"][-1]:.3f}'
          f'        {ends["batch norm"]["test"]:.3f} / {ends["plain"]["test"]:.3f}{note}',
          flush=True)


def plot_final_accuracy(out, scales, finals, args):
    figure, axes = plots.plt.subplots(figsize=(6.4, 4.2))
    for name, values in finals.items():
        axes.plot(scales, values, marker='o', label=name)
    axes.set_xscale('log')
    axes.set_ylim(0, 1)
    axes.set_title(f'Training accuracy after {args.epoch} epochs by initial weight scale')
    axes.set_xlabel('std of the initial weights (log scale)')
    axes.set_ylabel('training accuracy')
    axes.grid(True, alpha=0.3)
    axes.legend()
    plots.save_figure(figure, out / 'final_accuracy.png')


def summarise(scales, finals):
    """The comparison at the scale where the plain net does worst, and the win count."""
    plain, normed = np.array(finals['plain']), np.array(finals['batch norm'])
    worst = int(np.argmin(plain))
    return {
        'weight_scales': [float(s) for s in scales],
        'plain_train_accuracy': finals['plain'],
        'batchnorm_train_accuracy': finals['batch norm'],
        'worst_scale': float(scales[worst]),
        'plain_accuracy_at_worst_scale': float(plain[worst]),
        'batchnorm_accuracy_at_worst_scale': float(normed[worst]),
        'batchnorm_minus_plain_at_worst_scale': float(normed[worst] - plain[worst]),
        'scales_where_batchnorm_is_better': int(np.sum(normed > plain)),
    }


def main(argv=None):
    args = parse_args(argv)
    device = get_device(args.device)
    train = device.send(load_mnist(args.data_dir, 'train', limit=args.train_size))
    test = device.send(load_mnist(args.data_dir, 'test', limit=args.test_size))
    out = runs.prepare(args.out)  # after the data loaded: a missing file leaves no run folder
    runs.save_args(out, args)
    scales = np.logspace(0, np.log10(args.smallest_scale), args.scales)
    print(f'{args.hidden_layers + 1}-layer relu net, {len(train[0])} MNIST images, '
          f'{args.epoch} epochs, {args.optimizer}; final accuracy with / without batch norm')
    print('  weight std   train (BN / plain)   test (BN / plain)')
    panels, finals = {}, {name: [] for name in nets(args)}
    epochs = range(1, args.epoch + 1)
    for scale in scales:
        curves, ends = train_pair(scale, args, train, test, device)
        panels[f'W std {scale:.2g}'] = {name: (epochs, curve) for name, curve in curves.items()}
        for name in finals:
            finals[name].append(curves[name][-1])
        print_row(scale, curves, ends)
    probes.plot_panels(out / 'accuracy_grid.png', panels, columns=4, ylim=(0, 1),
                       title='Training accuracy per epoch, with and without batch norm, '
                             'by initial weight std',
                       xlabel='epoch', ylabel='train accuracy')
    plot_final_accuracy(out, scales, finals, args)
    metrics = summarise(scales, finals)
    print(f'worst scale for the plain net: std {metrics["worst_scale"]:.2g}, where it reaches '
          f'{metrics["plain_accuracy_at_worst_scale"]:.3f} and batch norm '
          f'{metrics["batchnorm_accuracy_at_worst_scale"]:.3f}; batch norm is better at '
          f'{metrics["scales_where_batchnorm_is_better"]} of {len(scales)} scales')
    runs.save_metrics(out, metrics)
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
