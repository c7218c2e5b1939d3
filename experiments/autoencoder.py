"""An autoencoder: an MLP that squeezes MNIST digits through a 32-number code and back.

The post (udacity-dl-overview): "make the output equal to the input".  Its test
error is set against the best answer that ignores the input (the mean training
image), and the code units that never change (dead units) are counted::

    netlib run autoencoder --epoch 2 --code 16
"""

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer
import chainer.functions as F
import numpy as np
from chainer.datasets import TupleDataset

from netlib import cli, MLP, optimizers, plots, Regressor
from netlib.cli import flags
from netlib.cli.memory import refuse_unless_fits, weights_bytes
from netlib.cli.wording import counted
from netlib import steps
from netlib.datasets.mnist import load_mnist
from netlib.device import to_numpy
from netlib.training.runs import Run

DEFAULTS = dict(
    epoch=10,
    batchsize=100,
    unit=256,                  # units of the layers around the code
    activation='leaky_relu',   # relu's dead units never come back
    optimizer='adam',
    data_dir=None,
    train_size=10000,
    test_size=2000,
    out='runs/autoencoder',
)
SHOWN_DIGITS = 10


def add_flags(group):
    group.add_argument('--code', type=flags.positive_int, default=32,
                       help='units of the middle layer: the size of the code')


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    units = (784, args.unit, args.code, args.unit, 784)
    refuse_unless_fits(weights_bytes(zip(units, units[1:])),
                       f'--code {args.code} with --unit {args.unit}')
    run = Run(args)

    # 0: load data
    x_train, _ = load_mnist(args.data_dir, 'train', limit=args.train_size)
    x_test, _ = load_mnist(args.data_dir, 'test', limit=args.test_size)

    # 1: settings
    model = Regressor(MLP(units, args.activation))
    model.to_device(run.device)
    optimizer = optimizers.from_args(args, model)
    print(f'autoencoder {"-".join(map(str, units))} ({args.activation}), '
          f'{type(optimizer).__name__}, {len(x_train)} training and {len(x_test)} test '
          f'images, {counted(args.epoch, "epoch")} -> {run.out}')

    # 2: training: the image is both the input and the target
    log = run.fit(model, optimizer, TupleDataset(x_train, x_train),
                  TupleDataset(x_test, x_test), plot=None)  # mse_vs_mean_image.png instead

    # 3: results and plots
    metrics, rebuilt = measure(model, x_train, x_test, run.device)
    print(f'test MSE {metrics["test_mse"]:.5f}; predicting the mean training image: '
          f'{metrics["mean_image_mse"]:.5f}; ratio {metrics["mse_ratio"]:.3f}')
    print(f'{metrics["constant_code_units"]} of {args.code} code units are the same for every '
          f'test image (dead: they carry nothing)')
    plot_against_baseline(run.path('mse_vs_mean_image.png'), log, metrics['mean_image_mse'],
                          args.code)
    shown = min(SHOWN_DIGITS, len(x_test))
    plots.image_grid(run.path('reconstructions.png'), [*x_test[:shown], *rebuilt[:shown]],
                     'MNIST test digits (top) and their reconstructions from a '
                     f'{args.code}-number code (bottom)', columns=shown,
                     row_labels=('original', 'rebuilt'))
    return run.save_metrics(metrics)


def encode(mlp, x):
    """The middle layer's activations: the code each image is squeezed into."""
    for layer in list(mlp)[:len(mlp) // 2]:
        x = steps.nonlinear(steps.linear(layer, x), mlp.activation)
    return x


def infer(function, *inputs):
    """``function(*inputs)`` as a NumPy array, in test mode and without building a graph."""
    with chainer.using_config('train', False), chainer.no_backprop_mode():
        return to_numpy(function(*inputs))


def mean_squared_error(x, target):
    return float(F.mean_squared_error(x, target).array)


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


def plot_against_baseline(path, log, baseline, code):
    """Train and test MSE per epoch beside the MSE of answering with the mean image."""
    epochs = [record['epoch'] for record in log]
    curves = {f'autoencoder, {images}': (epochs, [record[key] for record in log])
              for key, images in (('main/loss', 'training images (epoch mean)'),
                                  ('validation/main/loss', 'test images (after the epoch)'))}
    curves['mean training image, test images'] = (epochs, [baseline] * len(epochs))
    plots.plot_curves(path, curves, title=f'Autoencoder ({code}-number code) against the '
                                          'mean-image guess',
                      xlabel='epoch', ylabel='mean squared error per pixel')


if __name__ == '__main__':
    cli.run_main(main)
