"""Weight initialisation: std 0.01 vs Xavier vs He, by layer activations and by learning.

"Deep Learning from Scratch" ch. 6.2, measured with Chainer initializers.
First, without any data: 1000 random inputs go through 5 layers of 100 units
and the activations of every layer are histogrammed, for sigmoid and relu.
Too large weights (std 1) push sigmoid units to 0 and 1, where its derivative
vanishes; too small ones (std 0.01) make every unit alike (sigmoid near 0.5,
relu near 0).  Xavier's std sqrt(1/n) keeps sigmoid activations spread over
all layers; for relu, which zeroes half its inputs, He's std sqrt(2/n) does.

Then a 5-layer relu net (4 hidden layers of 100) learns MNIST from each
initialisation, as the book's weight_init_compare.py does (2000 iterations of
128 with SGD, lr 0.01): std 0.01 barely learns, He learns fastest.

Xavier here is ``chainer.initializers.LeCunNormal`` (std sqrt(1/fan_in)), the
book's Xavier; Chainer's ``GlorotNormal`` uses sqrt(2/(fan_in + fan_out)),
the same for the 100x100 layers but not for the 784-input one.

Files in the run folder: ``activations_sigmoid.png``, ``activations_relu.png``,
``loss.png``, ``metrics.json``.
"""

import chainer.links as L
import numpy as np
from chainer import initializers

from netlib import cli, optimizers, plots, probes, runs, steps, training
from netlib.datasets.mnist import load_mnist
from netlib.device import get_device, to_numpy
from netlib.networks import MLP, Classifier
from netlib.seed import set_seed

# name in metrics -> (label, initializer)
INITIALIZERS = {
    'std1': ('std 1', initializers.Normal(1.0)),
    'std001': ('std 0.01', initializers.Normal(0.01)),
    'xavier': ('Xavier, std √(1/n)', initializers.LeCunNormal()),
    'he': ('He, std √(2/n)', initializers.HeNormal()),
}
# The book's histogram figures: sigmoid with std 1, std 0.01 and Xavier; relu
# with std 0.01, Xavier and He (std 1 makes relu outputs grow ~7x per layer).
HISTOGRAMS = {'sigmoid': ('std1', 'std001', 'xavier'), 'relu': ('std001', 'xavier', 'he')}
TRAINED = ('std001', 'xavier', 'he')  # the three the book trains on MNIST
SMOOTHING = 50  # mini-batch losses averaged per point of the loss plot


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    group = parser.add_argument_group('activation histograms (random inputs)')
    group.add_argument('--histogram-inputs', type=cli.positive_int, default=1000,
                       help='number of random N(0, 1) input vectors')
    group.add_argument('--histogram-layers', type=cli.positive_int, default=5,
                       help='layers of --unit units the inputs go through')
    group = parser.add_argument_group('MNIST training')
    group.add_argument('--activation', default='relu', choices=sorted(steps.ACTIVATIONS),
                       help='activation of the trained net')
    probes.add_mlp_arguments(group, hidden_layers=4)
    group.add_argument('--iterations', type=cli.positive_int, default=2000,
                       help='training updates per initialisation')
    group.add_argument('--batchsize', '-b', type=cli.positive_int, default=128,
                       help='examples per mini-batch')
    training.add_data_arguments(parser)
    parser.set_defaults(test_size=2000)  # all 60,000 training images, as the book
    optimizers.add_arguments(parser, default='sgd')
    cli.add_run_arguments(parser, out_default='runs/weight_init')
    args = parser.parse_args(argv)
    optimizers.validate(args)
    return args


def layer_activations(initializer, activation, inputs, layers):
    """The activations of each of *layers* bias-free layers, weights from *initializer*."""
    size = inputs.shape[1]
    z, outputs = inputs, []
    for _ in range(layers):
        layer = L.Linear(size, size, nobias=True, initialW=initializer)
        z = steps.nonlinear(steps.linear(layer, z), activation)
        outputs.append(to_numpy(z).ravel())
    return outputs


def measure_layers(activation, args):
    """Initialiser name -> the activations of every layer, for the book's initialisers."""
    outputs = {}
    for name in HISTOGRAMS[activation]:
        set_seed(args.seed)  # the same inputs for every initialiser
        inputs = np.random.randn(args.histogram_inputs, args.unit).astype(np.float32)
        outputs[name] = layer_activations(INITIALIZERS[name][1], activation, inputs,
                                          args.histogram_layers)
    return outputs


def plot_histograms(path, activation, outputs, args):
    """One row per initialiser, one column per layer; each row shares its y axis."""
    figure, grid = plots.plt.subplots(len(outputs), args.histogram_layers,
                                      figsize=(2.2 * args.histogram_layers, 2 * len(outputs)),
                                      sharex=True, sharey='row', squeeze=False)
    for row, (name, layers) in zip(grid, outputs.items()):
        for number, (axes, values) in enumerate(zip(row, layers), start=1):
            # relu outputs exactly 0 for half its inputs; that bar would hide the rest.
            shown = values[values > 0] if activation == 'relu' else values
            axes.hist(shown, bins=30, range=(0, 1), color='tab:blue')
            axes.set_title(f'{INITIALIZERS[name][0]}\nlayer {number}', fontsize=8)
            axes.tick_params(labelsize=7)
        row[0].set_ylabel('count')
    for axes in grid[-1]:
        axes.set_xlabel(f'{activation} output')
    excluded = ' (exact zeros left out)' if activation == 'relu' else ''
    figure.suptitle(f'{activation} activations per layer, {args.histogram_inputs} random '
                    f'inputs{excluded}')
    figure.tight_layout()
    plots.save_figure(figure, path)


def activation_spreads(out, args):
    """Histograms for sigmoid and relu; the std of the activations of every layer."""
    metrics = {}
    for activation in ('sigmoid', 'relu'):
        outputs = measure_layers(activation, args)
        plot_histograms(out / f'activations_{activation}.png', activation, outputs, args)
        print(f'\n{activation}: standard deviation of the activations per layer')
        for name, layers in outputs.items():
            spread = [float(values.std()) for values in layers]
            metrics[f'{activation}_{name}_activation_std'] = spread
            print(f'  {INITIALIZERS[name][0]:>20s}: ' + ' '.join(f'{v:9.2e}' for v in spread))
    return metrics


def train_one(name, args, train, test, device):
    """Mini-batch losses of the MNIST net from initialiser *name*; its final numbers.

    The final loss is that of all the training images, the test accuracy that
    of the test images.
    """
    set_seed(args.seed)  # the same mini-batches for every initialiser
    sizes = probes.mnist_mlp_sizes(args)
    predictor = MLP(sizes, args.activation, initialW=INITIALIZERS[name][1])
    model = Classifier(predictor)
    model.to_device(device)
    optimizer = optimizers.from_args(args, model)
    losses = probes.train_iterations(model, optimizer, *train, args.batchsize, args.iterations)
    final_loss = probes.evaluate(model, *train)['loss']
    return losses, final_loss, probes.evaluate(model, *test)['accuracy']


def compare_on_mnist(out, args, train, test, device):
    """Train from each of the book's three initialisers; loss plot and final numbers."""
    print(f'\nMNIST, {"-".join(map(str, probes.mnist_mlp_sizes(args)))} net ({args.activation}), '
          f'{args.optimizer}, {args.iterations} iterations of {args.batchsize} on '
          f'{len(train[0])} images; after training:')
    metrics, curves = {}, {}
    for name in TRAINED:
        losses, final_loss, test_accuracy = train_one(name, args, train, test, device)
        metrics[f'{name}_final_loss'] = final_loss
        metrics[f'{name}_test_accuracy'] = test_accuracy
        curves[INITIALIZERS[name][0]] = probes.moving_average(losses, SMOOTHING)
        print(f'  {INITIALIZERS[name][0]:>20s}: training-set loss {final_loss:.4f}, '
              f'test accuracy {test_accuracy:.4f}', flush=True)
    plots.plot_curves(out / 'loss.png', curves,
                      title=f'MNIST, {args.hidden_layers + 1}-layer {args.activation} '
                            f'net: loss by initialisation',
                      xlabel='iteration',
                      ylabel=f'cross-entropy (mean of {SMOOTHING} mini-batches)')
    return metrics


def main(argv=None):
    args = parse_args(argv)
    device = get_device(args.device)
    train = device.send(load_mnist(args.data_dir, 'train', limit=args.train_size))
    test = device.send(load_mnist(args.data_dir, 'test', limit=args.test_size))
    out = runs.prepare(args.out)  # after the data loaded: a missing file leaves no run folder
    runs.save_args(out, args)
    metrics = activation_spreads(out, args)
    metrics.update(compare_on_mnist(out, args, train, test, device))
    metrics['he_minus_xavier_final_loss'] = (metrics['he_final_loss']
                                             - metrics['xavier_final_loss'])
    print(f'std 0.01 ends at {metrics["std001_final_loss"]:.3f} (guessing: ln 10 = 2.303); '
          f'He minus Xavier: {metrics["he_minus_xavier_final_loss"]:+.3f} (negative: He '
          f'learnt faster)')
    runs.save_metrics(out, metrics)
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
