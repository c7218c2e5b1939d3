"""An autoencoder: an MLP that learns to squeeze MNIST digits through 32 numbers and back.

The post (udacity-dl-overview) describes it as "make the output equal to the
input" and is unsure why that works.  Here it is measured: a 784-256-32-256-784
MLP (netlib's ``Regressor(MLP(...))``) is trained with Chainer's Trainer on
mean squared error with every image as both input and target.  The middle
layer has 32 units, so the net cannot copy the 784 pixels: it must find a
32-number code from which the digit can be redrawn.

The activation is leaky relu (relu with slope 0.2 below zero).  With plain
relu (``--activation relu``) a code unit whose input is negative for every
image outputs 0 for all of them and gets no gradient: it is dead for good.
With seed 0, 21 of the 32 code units die that way and the test MSE is 0.027
instead of 0.017; the script counts such constant code units.

How good is the redrawing?  The script compares the test MSE with that of the
best answer that ignores the input: the mean training image, the same for
every digit.  The autoencoder's error is a small fraction of it, so the 32
numbers carry most of what distinguishes one digit from another.

Files in the run folder: ``loss.png``, ``mse_vs_mean_image.png``,
``reconstructions.png`` (test digits above their reconstructions),
``metrics.json``, and the Trainer's ``log`` and snapshots (``--resume``
continues an interrupted run).
"""

import chainer
import chainer.functions as F
import numpy as np
from chainer.datasets import TupleDataset

from netlib import cli, optimizers, plots, runs, steps, training
from netlib.datasets.mnist import load_mnist
from netlib.device import get_device, to_numpy
from netlib.networks import MLP, Regressor
from netlib.seed import set_seed

SHOWN_DIGITS = 10


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--unit', '-u', type=cli.positive_int, default=256,
                        help='units of the layers around the code (encoder and decoder)')
    parser.add_argument('--code', type=cli.positive_int, default=32,
                        help='units of the middle layer: the size of the code')
    parser.add_argument('--activation', default='leaky_relu', choices=sorted(steps.ACTIVATIONS),
                        help='activation between layers (the output layer has none)')
    training.add_arguments(parser, batchsize=100, epoch=10)
    training.add_data_arguments(parser)
    parser.set_defaults(train_size=10000, test_size=2000)
    optimizers.add_arguments(parser, default='adam')
    cli.add_run_arguments(parser, out_default='runs/autoencoder')
    args = parser.parse_args(argv)
    optimizers.validate(args)
    return args


def mean_squared_error(x, target):
    return float(F.mean_squared_error(x, target).array)


def encode(mlp, x):
    """The middle layer's activations: the code each image is squeezed into."""
    for layer in list(mlp)[:len(mlp) // 2]:
        x = steps.nonlinear(steps.linear(layer, x), mlp.activation)
    return x


def infer(function, *inputs):
    """``function(*inputs)`` as an array, in test mode and without building a graph."""
    with chainer.using_config('train', False), chainer.no_backprop_mode():
        return to_numpy(function(*inputs))


def measure(model, x_train, x_test, device):
    """Test MSE, the mean-image MSE, dead code units; and the rebuilt test images."""
    x_test_device = device.send(x_test)
    rebuilt = infer(model.predictor, x_test_device)
    codes = infer(encode, model.predictor, x_test_device)
    mean_image = np.broadcast_to(x_train.mean(axis=0), x_test.shape)
    metrics = {'test_mse': mean_squared_error(rebuilt, x_test),
               'mean_image_mse': mean_squared_error(mean_image, x_test),
               'constant_code_units': int(np.sum(codes.std(axis=0) == 0))}
    metrics['mse_ratio'] = metrics['test_mse'] / metrics['mean_image_mse']
    return metrics, rebuilt


def plot_against_baseline(path, log, baseline):
    """Train and test MSE per epoch beside the MSE of answering with the mean image."""
    epochs = [record['epoch'] for record in log]
    curves = {f'autoencoder, {images} images': (epochs, [record[key] for record in log])
              for key, images in (('main/loss', 'training'), ('validation/main/loss', 'test'))}
    curves['mean training image, test images'] = (epochs, [baseline] * len(epochs))
    plots.plot_curves(path, curves, title='Autoencoder error against the mean-image guess',
                      xlabel='epoch', ylabel='mean squared error per pixel')


def plot_reconstructions(path, originals, reconstructions, code):
    figure, grid = plots.plt.subplots(2, len(originals), figsize=(1.1 * len(originals), 2.8),
                                      squeeze=False)  # 2-D even for a single digit
    for column, (original, rebuilt) in enumerate(zip(originals, reconstructions)):
        for axes, image in zip(grid[:, column], (original, rebuilt)):
            axes.imshow(np.clip(image, 0, 1).reshape(28, 28), cmap='gray', vmin=0, vmax=1)
            axes.set_xticks([])
            axes.set_yticks([])
    grid[0, 0].set_ylabel('original')
    grid[1, 0].set_ylabel('rebuilt')
    figure.suptitle(f'MNIST test digits (top) and their reconstructions from a '
                    f'{code}-number code (bottom)')
    figure.tight_layout()
    plots.save_figure(figure, path)


def main(argv=None):
    args = parse_args(argv)
    device = get_device(args.device)
    set_seed(args.seed)
    x_train, _ = load_mnist(args.data_dir, 'train', limit=args.train_size)
    x_test, _ = load_mnist(args.data_dir, 'test', limit=args.test_size)
    out = training.prepare_out(args)  # after the data loaded: a missing file leaves no run folder
    runs.save_args(out, args)
    units = (784, args.unit, args.code, args.unit, 784)
    model = Regressor(MLP(units, args.activation))
    model.to_device(device)
    optimizer = optimizers.from_args(args, model)
    print(f'autoencoder {"-".join(map(str, units))} ({args.activation}), '
          f'{type(optimizer).__name__}, {len(x_train)} training and {len(x_test)} test '
          f'images, {args.epoch} epochs -> {out}')
    # The image is both the input and the target.
    log = training.train(model, optimizer, TupleDataset(x_train, x_train),
                         TupleDataset(x_test, x_test), args, out, device,
                         title=f'MNIST autoencoder, {args.code}-number code',
                         loss_label='mean squared error')
    metrics, rebuilt = measure(model, x_train, x_test, device)
    plot_against_baseline(out / 'mse_vs_mean_image.png', log, metrics['mean_image_mse'])
    plot_reconstructions(out / 'reconstructions.png', x_test[:SHOWN_DIGITS],
                         rebuilt[:SHOWN_DIGITS], args.code)
    runs.save_metrics(out, metrics)
    print(f'test MSE {metrics["test_mse"]:.5f}; predicting the mean training image: '
          f'{metrics["mean_image_mse"]:.5f}; ratio {metrics["mse_ratio"]:.3f}')
    print(f'{metrics["constant_code_units"]} of {args.code} code units are the same for every '
          f'test image (dead: they carry nothing)')
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
