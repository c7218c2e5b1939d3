"""Overfitting ("Deep Learning from Scratch" 6.4): the gap between training and test accuracy
of a relu net on 300 MNIST images, plain, with dropout, and with weight decay, side by side::

    netlib run overfit_dropout --epoch 50
"""

import argparse
import functools

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer
from chainer import initializers

from netlib import cli, MLP, plots
from netlib.cli import flags
from netlib.cli.wording import counted
from netlib.datasets.mnist import load_mnist
from netlib.errors import UsageError
from netlib.evaluation import evaluate
from netlib.iterators import random_batch
from netlib.links.mlp import mnist_mlp_sizes
from netlib.links.regularized import DropoutMLP
from netlib import steps
from netlib.training import comparison
from netlib.training.runs import Run

DEFAULTS = dict(
    epoch=200,            # sweeps over the training images, per net
    batchsize=100,
    unit=100,             # units in each hidden layer
    hidden_layers=6,
    optimizer='sgd',      # Chainer's default lr 0.01, as the book's
    weight_decay=0.1,     # the book's rate, for the weight decay net only
    data_dir=None,
    train_size=300,       # few images: overfitting comes quickly
    test_size=2000,
    out='runs/overfit_dropout',
)


def dropout_ratio(text):
    value = flags.positive_float(text)
    if value >= 1:
        raise argparse.ArgumentTypeError(f'must be below 1 (1 drops every unit), got {text!r}')
    return value


def add_flags(group):
    group.add_argument('--dropout-ratio', type=dropout_ratio, default=0.2,
                       help='probability of dropping each hidden unit in the dropout net '
                            '(the book: 0.15 to 0.2)')


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    if args.weight_decay <= 0:
        raise UsageError('--weight-decay must be above 0: it is the rate of the weight decay net')
    run = Run(args)

    # 0: load data
    x, t = train = run.device.send(load_mnist(args.data_dir, 'train', limit=args.train_size))
    test = run.device.send(load_mnist(args.data_dir, 'test', limit=args.test_size))
    run.check_batchsize(len(x))

    # 1: settings: name -> (label, net, weight decay rate), each net from the same seed
    variants = {
        'plain': ('plain', MLP, 0.0),
        'dropout': (f'dropout {args.dropout_ratio:g}',
                    functools.partial(DropoutMLP, ratio=args.dropout_ratio), 0.0),
        'weight_decay': (f'weight decay {args.weight_decay:g}', MLP, args.weight_decay)}
    models, trainers, streams = comparison.compared_nets(
        variants, lambda name: variants[name][1](mnist_mlp_sizes(args),
                                                 initialW=initializers.HeNormal()),
        args, run.device, weight_decay={name: rate for name, (_, _, rate) in variants.items()})
    print(f'{args.hidden_layers + 1}-layer relu nets, {len(x)} training and {len(test[0])} '
          f'test images, {counted(args.epoch, "epoch")}, {args.optimizer} -> {run.out}')

    # 2: training, every net on its own batches and dropout masks
    iterations_per_epoch = len(x) // args.batchsize
    columns = [f'{name}/{split}_accuracy' for name in models for split in ('train', 'test')]
    manager = run.manager(trainers, (args.epoch, 'epoch'),
                          iterations_per_epoch=iterations_per_epoch, columns=columns,
                          extra_extensions=[streams])
    for iteration in manager:
        for name, model in models.items():
            with streams.use(name):
                indices = random_batch(len(x), args.batchsize, model.xp)
                steps.update(trainers[name], model(x[indices], t[indices]))
            if iteration % iterations_per_epoch == 0:
                chainer.report({f'{split}_accuracy': evaluate(model, *data)['accuracy']
                                for split, data in (('train', train), ('test', test))}, model)

    # 3: results and plots
    curves = {name: {split: [record[f'{name}/{split}_accuracy'] for record in manager.log]
                     for split in ('train', 'test')} for name in models}
    metrics = summarise(curves)
    print(f'train - test accuracy: plain {metrics["plain_gap"]:.3f}, dropout '
          f'{metrics["dropout_gap"]:.3f}, weight decay {metrics["weight_decay_gap"]:.3f}')
    epochs = [record['epoch'] for record in manager.log]
    panels = {variants[name][0]: {split: (epochs, values) for split, values in accuracy.items()}
              for name, accuracy in curves.items()}
    plots.plot_panels(run.path('accuracy.png'), panels, ylim=(0, 1),
                      title=f'Accuracy on {len(x)} training images and on '
                            f'{len(test[0])} test images', xlabel='epoch', ylabel='accuracy')
    gaps = {variants[name][0]: (epochs, [a - b for a, b in zip(acc['train'], acc['test'])])
            for name, acc in curves.items()}
    plots.plot_curves(run.path('gap.png'), gaps, log_scale=False,
                      title='Overfitting: training minus test accuracy',
                      xlabel='epoch', ylabel='train accuracy - test accuracy')
    return run.save_metrics(metrics)


def summarise(curves):
    """Final accuracies and gaps per net, and each regulariser's gap change."""
    metrics = {}
    for name, accuracy in curves.items():
        metrics[f'{name}_train_accuracy'] = accuracy['train'][-1]
        metrics[f'{name}_test_accuracy'] = accuracy['test'][-1]
        metrics[f'{name}_gap'] = accuracy['train'][-1] - accuracy['test'][-1]
    for name in ('dropout', 'weight_decay'):
        metrics[f'{name}_gap_minus_plain_gap'] = metrics[f'{name}_gap'] - metrics['plain_gap']
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
