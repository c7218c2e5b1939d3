"""Overfitting, and how dropout and weight decay narrow the gap between training and test accuracy.

"Deep Learning from Scratch" ch. 6.4 (overfit_weight_decay.py and
overfit_dropout.py) in Chainer: a 7-layer relu net (6 hidden layers of 100,
He initialisation) is trained on only 300 MNIST images for 200 epochs (SGD,
lr 0.01, batches of 100), three times from the same initial weights and
batches:

* plain: it learns the 300 images by heart, training accuracy near 1, while
  test accuracy stays far lower: the gap between them is overfitting;
* dropout (``F.dropout`` after every hidden activation, ``--dropout-ratio``,
  the book 0.2): each update trains a random thinned net, so no unit can rely
  on a few others to memorise an image;
* weight decay (``--weight-decay``, the book 0.1, Chainer's ``WeightDecay``
  optimizer hook: every gradient gets ``rate * weight`` added, the gradient of
  an L2 penalty): large weights, which memorising needs, cost loss.

Accuracies are measured in test mode (no dropout) on all training images and
on the test images after every epoch.  Both regularisers narrow the final gap
train - test accuracy (by about 0.06-0.08 with seeds 0, 1, 2), but they do it
by lowering training accuracy, not by raising test accuracy: here test
accuracy falls too (seed 0, default settings: plain 0.691, dropout 0.642,
weight decay 0.678; training 1.0, 0.87, 0.93).  A smaller gap is not a better
net on the test images.  Dropout delays memorising rather than preventing
it: its gap grows with the epochs, and with ratio 0.2 it is almost the plain
net's by epoch 300 (``--epoch 300``); a larger ratio holds it off longer.

Files in the run folder: ``accuracy.png`` (train and test per variant),
``gap.png``, ``metrics.json``.
"""

import argparse
import functools

from chainer import initializers

from netlib import cli, optimizers, plots, probes, runs, training
from netlib.datasets.mnist import load_mnist
from netlib.device import get_device
from netlib.networks import MLP, Classifier
from netlib.regularized import DropoutMLP
from netlib.seed import set_seed

BOOK_DROPOUT_RATIO = 0.2
BOOK_WEIGHT_DECAY = 0.1


def dropout_ratio(text):
    value = cli.positive_float(text)
    if value >= 1:
        raise argparse.ArgumentTypeError(f'must be below 1 (1 drops every unit), got {text!r}')
    return value


def parse_args(argv):
    parser = cli.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        epilog='Three nets are trained: plain, with dropout (--dropout-ratio) and with weight '
               'decay (--weight-decay, used by this third net only).')
    parser.add_argument('--dropout-ratio', type=dropout_ratio, default=BOOK_DROPOUT_RATIO,
                        help='probability of dropping each hidden unit in the dropout net '
                             '(the book: 0.15 to 0.2)')
    probes.add_mlp_arguments(parser, hidden_layers=6)
    parser.add_argument('--epoch', '-e', type=cli.positive_int, default=200,
                        help='sweeps over the training images per net')
    parser.add_argument('--batchsize', '-b', type=cli.positive_int, default=100,
                        help='examples per mini-batch')
    training.add_data_arguments(parser)
    optimizers.add_arguments(parser, default='sgd')
    cli.add_run_arguments(parser, out_default='runs/overfit_dropout')
    # Few images make overfitting quick.
    parser.set_defaults(train_size=300, test_size=2000, weight_decay=BOOK_WEIGHT_DECAY)
    args = parser.parse_args(argv)
    if args.weight_decay <= 0:
        parser.error('--weight-decay must be above 0: it is the rate of the weight-decay net')
    optimizers.validate(args)
    return args


def variants(args):
    """Metric name -> (label, predictor constructor, weight-decay rate)."""
    return {
        'plain': ('plain', MLP, 0.0),
        'dropout': (f'dropout {args.dropout_ratio:g}',
                    functools.partial(DropoutMLP, ratio=args.dropout_ratio), 0.0),
        'weight_decay': (f'weight decay {args.weight_decay:g}', MLP, args.weight_decay),
    }


def train_variant(make_predictor, weight_decay, args, train, test, device):
    """Train and test accuracy per epoch of one variant."""
    set_seed(args.seed)  # every variant: the same initial weights and batches
    sizes = probes.mnist_mlp_sizes(args)
    model = Classifier(make_predictor(sizes, initialW=initializers.HeNormal()))
    model.to_device(device)
    optimizer = optimizers.create(args.optimizer, args.lr, args.optimizer_arg)
    optimizers.setup(optimizer, model, weight_decay, args.grad_clip)
    return probes.accuracy_curves(model, optimizer, train, args.batchsize, args.epoch,
                                  {'train': train, 'test': test})


def summarise(results):
    """Final accuracies and gaps per variant, and each regulariser's gap change."""
    metrics = {}
    for name, (_, curves) in results.items():
        metrics[f'{name}_train_accuracy'] = curves['train'][-1]
        metrics[f'{name}_test_accuracy'] = curves['test'][-1]
        metrics[f'{name}_gap'] = curves['train'][-1] - curves['test'][-1]
    for name in ('dropout', 'weight_decay'):
        metrics[f'{name}_gap_minus_plain_gap'] = metrics[f'{name}_gap'] - metrics['plain_gap']
    return metrics


def plot(out, results, train_size, test_size):
    epochs = range(1, len(next(iter(results.values()))[1]['train']) + 1)
    panels = {label: {'train': (epochs, curves['train']), 'test': (epochs, curves['test'])}
              for label, curves in results.values()}
    gaps = {label: (epochs, [a - b for a, b in zip(curves['train'], curves['test'])])
            for label, curves in results.values()}
    probes.plot_panels(out / 'accuracy.png', panels, ylim=(0, 1),
                       title=f'Accuracy on {train_size} training images and on '
                             f'{test_size} test images',
                       xlabel='epoch', ylabel='accuracy')
    plots.plot_curves(out / 'gap.png', gaps, log_scale=False,
                      title='Overfitting: training minus test accuracy',
                      xlabel='epoch', ylabel='train accuracy - test accuracy')


def main(argv=None):
    args = parse_args(argv)
    device = get_device(args.device)
    train = device.send(load_mnist(args.data_dir, 'train', limit=args.train_size))
    test = device.send(load_mnist(args.data_dir, 'test', limit=args.test_size))
    out = runs.prepare(args.out)  # after the data loaded: a missing file leaves no run folder
    runs.save_args(out, args)
    print(f'{args.hidden_layers + 1}-layer relu net, {len(train[0])} training and '
          f'{len(test[0])} test images, {args.epoch} epochs, {args.optimizer}')
    results = {}
    for name, (label, make_predictor, weight_decay) in variants(args).items():
        curves = train_variant(make_predictor, weight_decay, args, train, test, device)
        results[name] = (label, curves)
        print(f'  {label:>18s}: train {curves["train"][-1]:.3f}, test {curves["test"][-1]:.3f}, '
              f'gap {curves["train"][-1] - curves["test"][-1]:.3f}', flush=True)
    metrics = summarise(results)
    plot(out, results, len(train[0]), len(test[0]))
    print(f'gap change against the plain net: dropout '
          f'{metrics["dropout_gap_minus_plain_gap"]:+.3f}, weight decay '
          f'{metrics["weight_decay_gap_minus_plain_gap"]:+.3f} (negative: less overfitting)')
    runs.save_metrics(out, metrics)
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
