"""Overfitting, and how dropout and weight decay change the gap between training and test accuracy.

"Deep Learning from Scratch" ch. 6.4 (overfit_weight_decay.py and
overfit_dropout.py) in Chainer: a relu net of 6 hidden layers of 100 (He
initialisation) learns only 300 MNIST images for 200 epochs (SGD, lr 0.01,
batches of 100), three times from the same initial weights and batches,
side by side in one loop: plain; with ``F.dropout`` after every hidden
activation (``--dropout-ratio``); with weight decay (``--weight-decay``,
Chainer's ``WeightDecay`` hook: the gradient of an L2 penalty).  After every
epoch each net's accuracy on the training and the test images is measured
in test mode (no dropout)::

    netlib run overfit_dropout --epoch 50

Files in the run folder: ``accuracy.png`` (train and test per net),
``gap.png``, ``metrics.json``, ``log``.
"""

import argparse
import functools

import chainer
from chainer import initializers

from netlib import Classifier, MLP, cli, flags, optimizers, plots, probes, steps
from netlib.datasets.mnist import load_mnist
from netlib.errors import UsageError
from netlib.evaluation import evaluate
from netlib.regularized import DropoutMLP
from netlib.runs import Run
from netlib.seed import set_seed
from netlib.snapshots import RandomStreams

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
        raise UsageError('--weight-decay must be above 0: it is the rate of the weight '
                         'decay net')
    run = Run(args)

    # 0: load data
    train = run.device.send(load_mnist(args.data_dir, 'train', limit=args.train_size))
    test = run.device.send(load_mnist(args.data_dir, 'test', limit=args.test_size))
    x, t = train
    run.check_batchsize(len(x))

    # 1: settings: name -> (label, net, weight decay rate), each net from the same seed
    variants = {
        'plain': ('plain', MLP, 0.0),
        'dropout': (f'dropout {args.dropout_ratio:g}',
                    functools.partial(DropoutMLP, ratio=args.dropout_ratio), 0.0),
        'weight_decay': (f'weight decay {args.weight_decay:g}', MLP, args.weight_decay),
    }
    models, trainers, streams = {}, {}, RandomStreams()
    for name, (_, net, weight_decay) in variants.items():
        set_seed(args.seed)  # the same initial weights and batches
        models[name] = Classifier(net(probes.mnist_mlp_sizes(args),
                                      initialW=initializers.HeNormal()))
        models[name].to_device(run.device)
        trainers[name] = optimizers.setup(
            optimizers.create(args.optimizer, args.lr, args.optimizer_arg), models[name],
            weight_decay, args.grad_clip)
        streams.add(name)
    print(f'{args.hidden_layers + 1}-layer relu nets, {len(x)} training and {len(test[0])} '
          f'test images, {args.epoch} epochs, {args.optimizer} -> {run.out}')

    # 2: training, every net on its own batches and dropout masks
    iterations_per_epoch = len(x) // args.batchsize
    columns = [f'{name}/{split}_accuracy' for name in models for split in ('train', 'test')]
    manager = run.manager(trainers, (args.epoch, 'epoch'),
                          iterations_per_epoch=iterations_per_epoch, columns=columns,
                          extra_extensions=[streams])
    for iteration in manager:
        for name, model in models.items():
            with streams.use(name):
                indices = probes.random_batch(len(x), args.batchsize, model.xp)
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
    plot(run, {variants[name][0]: accuracy for name, accuracy in curves.items()},
         [record['epoch'] for record in manager.log], len(x), len(test[0]))
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


def plot(run, curves, epochs, train_size, test_size):
    panels = {label: {split: (epochs, values) for split, values in accuracy.items()}
              for label, accuracy in curves.items()}
    gaps = {label: (epochs, [a - b for a, b in zip(accuracy['train'], accuracy['test'])])
            for label, accuracy in curves.items()}
    plots.plot_panels(run.path('accuracy.png'), panels, ylim=(0, 1),
                      title=f'Accuracy on {train_size} training images and on '
                            f'{test_size} test images', xlabel='epoch', ylabel='accuracy')
    plots.plot_curves(run.path('gap.png'), gaps, log_scale=False,
                      title='Overfitting: training minus test accuracy',
                      xlabel='epoch', ylabel='train accuracy - test accuracy')


if __name__ == '__main__':
    cli.run_main(main)
