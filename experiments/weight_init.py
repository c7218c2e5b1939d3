"""Weight initialisation ("Deep Learning from Scratch" 6.2): std 0.01 vs Xavier vs He, by
the activations of random inputs through untrained layers, then by learning MNIST::

    netlib run weight_init --iteration 500 --activation sigmoid
"""

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer.links as L
import numpy as np
from chainer import initializers

from netlib import cli, MLP, plots
from netlib.cli import flags
from netlib.cli.memory import refuse_unless_fits
from netlib.cli.wording import counted
from netlib.datasets.mnist import load_mnist
from netlib.device import to_numpy
from netlib.evaluation import evaluate
from netlib.iterators import random_batch
from netlib.links.mlp import mnist_mlp_sizes
from netlib import steps
from netlib.training import comparison
from netlib.training.runs import Run
from netlib.training.seed import set_seed

DEFAULTS = dict(
    activation='relu',    # of the MNIST net
    hidden_layers=4,
    unit=100,             # also the width of the histogram layers
    iteration=2000,       # updates of each net, each on a random mini-batch
    batchsize=128,
    frequency=500,        # snapshot every this many iterations
    optimizer='sgd',
    data_dir=None,
    train_size=None,      # all 60,000 training images, as the book
    test_size=2000,
    out='runs/weight_init',
)
# name in metrics and the log -> (label, initializer); Xavier is the book's, LeCunNormal
# (Chainer's GlorotNormal is std sqrt(2 / (fan_in + fan_out)))
INITIALIZERS = {'std1': ('std 1', initializers.Normal(1.0)),
                'std001': ('std 0.01', initializers.Normal(0.01)),
                'xavier': ('Xavier, std √(1/n)', initializers.LeCunNormal()),
                'he': ('He, std √(2/n)', initializers.HeNormal())}
# The book's histogram figures (std 1 makes relu outputs grow ~7x per layer).
HISTOGRAMS = {'sigmoid': ('std1', 'std001', 'xavier'), 'relu': ('std001', 'xavier', 'he')}
TRAINED = ('std001', 'xavier', 'he')  # the three the book trains on MNIST


def add_flags(group):
    group.add_argument('--histogram-inputs', type=flags.positive_int, default=1000,
                       help='number of random N(0, 1) input vectors of the histograms')
    group.add_argument('--histogram-layers', type=flags.positive_int, default=5,
                       help='layers of --unit units the histogram inputs go through')


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    # the histograms keep every layer's activations of every input (float32, and a copy)
    refuse_unless_fits(8 * args.histogram_inputs * args.unit * args.histogram_layers,
                       f'--histogram-inputs {args.histogram_inputs} --histogram-layers '
                       f'{args.histogram_layers} of --unit {args.unit}')
    run = Run(args)

    # 0: load data
    x, t = run.device.send(load_mnist(args.data_dir, 'train', limit=args.train_size))
    test = run.device.send(load_mnist(args.data_dir, 'test', limit=args.test_size))

    # 1: settings: one MNIST net per initialiser, the same mini-batches for each
    models, trainers, streams = comparison.compared_nets(TRAINED, lambda name: MLP(
        mnist_mlp_sizes(args), args.activation, initialW=INITIALIZERS[name][1]),
        args, run.device)
    print(f'\nMNIST, {"-".join(map(str, mnist_mlp_sizes(args)))} net ({args.activation}), '
          f'{args.optimizer}, {counted(args.iteration, "iteration")} of {args.batchsize} on '
          f'{len(x)} images')

    # 2: training, logged 10 times (the points of loss.png)
    plot = plots.LogPlot(f'MNIST, {args.hidden_layers + 1}-layer {args.activation} net',
                         labels={name: INITIALIZERS[name][0] for name in TRAINED})
    manager = run.manager(trainers, (args.iteration, 'iteration'),
                          log_every=(max(1, args.iteration // 10), 'iteration'),
                          columns=[f'{name}/loss' for name in models], plot=plot,
                          extra_extensions=[streams])
    for _ in manager:
        for name, model in models.items():
            with streams.use(name):  # the batch this net would draw trained alone
                batch = random_batch(len(x), args.batchsize, model.xp)
            steps.update(trainers[name], model(x[batch], t[batch]))

    # 3: results: activations of random inputs through untrained layers (the book's
    # histograms), then the loss on the whole training set, the accuracy on the test set
    metrics = activation_histograms(run, args)
    for name, model in models.items():
        metrics[f'{name}_final_loss'] = evaluate(model, x, t)['loss']
        metrics[f'{name}_test_accuracy'] = evaluate(model, *test)['accuracy']
        print(f'  {INITIALIZERS[name][0]:>20s}: training-set loss '
              f'{metrics[f"{name}_final_loss"]:.4f}, test accuracy '
              f'{metrics[f"{name}_test_accuracy"]:.4f}')
    metrics['he_minus_xavier_final_loss'] = metrics['he_final_loss'] - metrics['xavier_final_loss']
    print(f'std 0.01 ends at {metrics["std001_final_loss"]:.3f} (guessing: ln 10 = 2.303); '
          f'He minus Xavier: {metrics["he_minus_xavier_final_loss"]:+.3f} (< 0: He learnt faster)')
    return run.save_metrics(metrics)


def activation_histograms(run, args):
    """Histograms for sigmoid and relu; the std of every layer's activations."""
    spreads = {}
    for activation in ('sigmoid', 'relu'):
        print(f'\n{activation}: standard deviation of the activations per layer')
        rows = {}
        for name in HISTOGRAMS[activation]:
            set_seed(args.seed)  # the same inputs for every initialiser
            z = np.random.randn(args.histogram_inputs, args.unit).astype(np.float32)
            layers = []  # each bias-free layer's activations
            for _ in range(args.histogram_layers):
                layer = L.Linear(args.unit, args.unit, nobias=True, initialW=INITIALIZERS[name][1])
                z = steps.nonlinear(steps.linear(layer, z), activation)
                layers.append(to_numpy(z).ravel())
            spread = [float(values.std()) for values in layers]
            spreads[f'{activation}_{name}_activation_std'] = spread
            print(f'  {INITIALIZERS[name][0]:>20s}: ' + ' '.join(f'{v:9.2e}' for v in spread))
            # relu outputs exactly 0 for half its inputs; that bar would hide the rest.
            rows[INITIALIZERS[name][0]] = [values[values > 0] if activation == 'relu'
                                           else values for values in layers]
        title = (f'{activation} activations per layer, {args.histogram_inputs} random inputs'
                 + (' (exact zeros left out)' if activation == 'relu' else ''))
        plots.plot_histogram_grid(run.path(f'activations_{activation}.png'), rows, title,
                                  f'{activation} output', 'layer', value_range=(0, 1))
    return spreads


if __name__ == '__main__':
    cli.run_main(main)
