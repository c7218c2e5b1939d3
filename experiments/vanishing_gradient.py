"""Vanishing gradients: a deep sigmoid net barely learns, a deep ReLU net does.

The post (udacity-dl-overview) says it without showing it: back-propagation
multiplies the gradient by the activation's derivative once per layer; the
sigmoid's derivative is at most 1/4, so the gradient reaching the layers near
the input shrinks like 1/4 x 1/4 x ... and they hardly learn.  ReLU's
derivative is 1 wherever a unit is active, so its gradient keeps its size.

This script measures it on MNIST.  It computes the derivatives with Chainer's
autograd (sigmoid' peaks at exactly 0.25, at 0; relu' is 0 or 1), then builds
the same deep MLP (10 hidden layers of 100 by default) once per activation,
from the same seed and so the same initial weights (Chainer's default
LeCunNormal, std sqrt(1/n)).  For each it prints the norm of every layer's
weight gradient at initialisation and after training, and the ratio first
layer / last layer: about 1e-6 for sigmoid (vanished), of order 1 for relu
and tanh.  The loss curves show what that does to learning: the sigmoid net
stays at chance (loss ln 10 = 2.30).  The relu net idles for a few hundred
iterations before it learns, for another reason: std sqrt(1/n) is too small
for relu, which halves the signal at every layer (weight_init.py shows He's
std sqrt(2/n) curing that); its gradient reaches the first layer all the same.

Files in the run folder: ``derivatives.png``, ``gradient_norms.png``,
``loss.png``, ``metrics.json``.
"""

import argparse

import chainer
import chainer.functions as F
import numpy as np

from netlib import cli, optimizers, plots, probes, runs, steps, training
from netlib.datasets.mnist import load_mnist
from netlib.device import get_device
from netlib.networks import MLP, Classifier
from netlib.seed import set_seed

SMOOTHING = 20  # mini-batch losses averaged per point of the loss plot


def activation_list(text):
    names = [name.strip() for name in text.split(',') if name.strip()]
    unknown = [name for name in names if name not in steps.ACTIVATIONS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f'unknown activation {",".join(unknown)!r}; '
                                         f'choose from {", ".join(steps.ACTIVATIONS)}')
    return names


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--activations', type=activation_list, default='sigmoid,relu,tanh',
                        help=f'comma-separated activations to compare, from: '
                             f'{", ".join(steps.ACTIVATIONS)}')
    probes.add_mlp_arguments(parser, hidden_layers=10)
    parser.add_argument('--iterations', type=cli.positive_int, default=1000,
                        help='training updates per net, each on a random mini-batch')
    parser.add_argument('--batchsize', '-b', type=cli.positive_int, default=100,
                        help='examples per mini-batch (the first batch also measures the '
                             'gradients)')
    training.add_data_arguments(parser)
    parser.set_defaults(train_size=2000, test_size=2000)
    optimizers.add_arguments(parser, default='sgd')
    cli.add_run_arguments(parser, out_default='runs/vanishing_gradient')
    args = parser.parse_args(argv)
    optimizers.validate(args)
    return args


def derivative(function, xs):
    """``function(xs)`` and its derivative at every point, by back-propagation.

    ``sum(f(x))`` has gradient ``f'(x_i)`` in every component, so one backward
    pass gives the whole curve.
    """
    x = chainer.Variable(xs)
    y = function(x)
    F.sum(y).backward()
    return y.array, x.grad


def measure_derivatives(out):
    """Sigmoid and ReLU with their autograd derivatives, plotted; the maxima."""
    xs = np.linspace(-5, 5, 1001, dtype=np.float32)  # contains 0 exactly
    panels, maxima = {}, {}
    for name in ('sigmoid', 'relu'):
        ys, slopes = derivative(steps.activation_function(name), xs)
        maxima[name] = float(slopes.max())
        panels[f"{name}: max h'(x) = {maxima[name]:g}"] = {
            'h(x)': (xs, ys), "h'(x), by autograd": (xs, slopes)}
    probes.plot_panels(out / 'derivatives.png', panels, sharey=False,
                       title='Activation h and its derivative h\' (back-propagation '
                             'multiplies by h\' once per layer)',
                       xlabel='x', ylabel='value')
    return maxima


def train_one(activation, args, train, test, device):
    """Gradient norms before and after training a deep MLP with *activation*."""
    set_seed(args.seed)  # same initial weights and batches for every activation
    units = probes.mnist_mlp_sizes(args)
    model = Classifier(MLP(units, activation))
    model.to_device(device)
    optimizer = optimizers.from_args(args, model)
    probe_x, probe_t = train[0][:args.batchsize], train[1][:args.batchsize]
    before = probes.gradient_norms_on_batch(model, model.predictor, probe_x, probe_t)
    losses = probes.train_iterations(model, optimizer, *train, args.batchsize, args.iterations)
    after = probes.gradient_norms_on_batch(model, model.predictor, probe_x, probe_t)
    return {'norms_init': before, 'norms_trained': after, 'losses': losses,
            'test': probes.evaluate(model, *test)}


def print_norm_table(results, key, heading):
    names = list(results)
    print(f'\n||dL/dW|| per layer {heading} (layer 1 is next to the input)')
    print('layer ' + ''.join(f'{name:>11s}' for name in names))
    for layer in range(len(results[names[0]][key])):
        print(f'{layer + 1:5d} ' + ''.join(f'{results[n][key][layer]:11.2e}' for n in names))


def plot_gradient_norms(out, results, iterations):
    layers = range(1, len(next(iter(results.values()))['norms_init']) + 1)
    panels = {
        'at initialisation': {name: (layers, r['norms_init']) for name, r in results.items()},
        f'after {iterations} iterations': {name: (layers, r['norms_trained'])
                                           for name, r in results.items()},
    }
    probes.plot_panels(out / 'gradient_norms.png', panels, log_scale=True,
                       title='Weight-gradient norm per layer (layer 1 is next to the input)',
                       xlabel='layer', ylabel='||dL/dW||')


def gradient_ratio(norms):
    """First-layer / last-layer gradient norm; None when the last layer's is 0.

    A dead net (every unit of a hidden layer inactive, e.g. ``--unit 1`` with
    relu) gives the output layer no gradient: the ratio is undefined, and None
    keeps ``metrics.json`` strict JSON (it cannot hold inf or nan).
    """
    return norms[0] / norms[-1] if norms[-1] > 0 else None


def format_ratio(ratio):
    return 'undefined (output-layer gradient is 0)' if ratio is None else f'{ratio:.2e}'


def summarise(name, result):
    """The metrics of one activation, named after it."""
    last_tenth = max(1, len(result['losses']) // 10)  # a mean: one batch's loss is noisy
    return {
        f'{name}_grad_ratio': gradient_ratio(result['norms_init']),
        f'{name}_grad_ratio_trained': gradient_ratio(result['norms_trained']),
        f'{name}_final_loss': float(np.mean(result['losses'][-last_tenth:])),
        f'{name}_test_accuracy': result['test']['accuracy'],
        f'{name}_grad_norms_init': result['norms_init'],
        f'{name}_grad_norms_trained': result['norms_trained'],
    }


def main(argv=None):
    args = parse_args(argv)
    device = get_device(args.device)
    train = device.send(load_mnist(args.data_dir, 'train', limit=args.train_size))
    test = device.send(load_mnist(args.data_dir, 'test', limit=args.test_size))
    out = runs.prepare(args.out)  # after the data loaded: a missing file leaves no run folder
    runs.save_args(out, args)
    maxima = measure_derivatives(out)
    print(f"max sigmoid'(x) = {maxima['sigmoid']!r} (the post: 1/4), "
          f"max relu'(x) = {maxima['relu']!r}")
    print(f'{args.hidden_layers} hidden layers of {args.unit}, {args.optimizer}, '
          f'{args.iterations} iterations of {args.batchsize} on {len(train[0])} MNIST images')
    results = {name: train_one(name, args, train, test, device) for name in args.activations}
    print_norm_table(results, 'norms_init', 'at initialisation')
    print_norm_table(results, 'norms_trained', f'after {args.iterations} iterations')
    plot_gradient_norms(out, results, args.iterations)
    plots.plot_curves(out / 'loss.png',
                      {name: probes.moving_average(r['losses'], SMOOTHING)
                       for name, r in results.items()},
                      title=f'Training loss, {args.hidden_layers} hidden layers '
                            f'({args.optimizer})',
                      xlabel='iteration',
                      ylabel=f'cross-entropy (mean of {SMOOTHING} mini-batches)')
    metrics = {'sigmoid_derivative_max': maxima['sigmoid'],
               'relu_derivative_max': maxima['relu']}
    print('\nfirst-layer / last-layer (output layer) gradient norm; below 1e-2: vanished '
          '(undefined, null in metrics.json, when no gradient reaches the output layer)')
    for name, result in results.items():
        summary = summarise(name, result)
        metrics.update(summary)
        print(f'{name:>10s}: {format_ratio(summary[f"{name}_grad_ratio"])} at initialisation, '
              f'{format_ratio(summary[f"{name}_grad_ratio_trained"])} after training; '
              f'loss {summary[f"{name}_final_loss"]:.3f} (last 10 % of iterations), '
              f'test accuracy {summary[f"{name}_test_accuracy"]:.3f}')
    runs.save_metrics(out, metrics)
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
