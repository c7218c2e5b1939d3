"""Keras's mnist_cnn.py in Chainer: a small CNN reaches about 99 % on MNIST in 2 epochs.

The Cresco post runs Keras's example ``mnist_cnn.py`` with ``epochs=2`` instead
of 12 and gets ``Test loss: 0.0405``, ``Test accuracy: 0.9871``.  This script
has the same network (:class:`netlib.convnets.KerasMnistCNN`: two 3x3
convolutions, max pooling, dropout, a 128-unit layer), the same initialisation
(Glorot-uniform, zero biases), batch size 128 and optimizer (AdaDelta), and
prints the same lines: per epoch ``loss acc val_loss val_acc`` (Keras
validates on the test set), then ``Test loss`` and ``Test accuracy``.

On 2 CPU cores one epoch takes about 36 s (``seconds_per_epoch`` in metrics.json);
for a quick look try ``--train-size 5000 --test-size 1000 --epoch 1``.  Interrupt it
(Ctrl-C) and run the same command with ``--resume`` to continue.
"""

import chainer

from netlib import cli, optimizers, runs, training
from netlib.convnets import KerasMnistCNN
from netlib.datasets.mnist import get_mnist
from netlib.device import get_device
from netlib.networks import Classifier
from netlib.seed import set_seed


# A known pitfall when comparing with today's Keras, so --help says it too.
ADADELTA_NOTE = (
    "The post's Keras (2.1.4) runs Adadelta(lr=1.0), which takes full AdaDelta steps; "
    "Chainer's AdaDelta has no learning rate and behaves the same. tf.keras's Adadelta "
    'defaults to learning_rate=0.001 instead, and after 2 epochs reaches only about 84 %.')


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0], epilog=ADADELTA_NOTE)
    training.add_arguments(parser, batchsize=128, epoch=2)
    training.add_data_arguments(parser)
    optimizers.add_arguments(parser, default='adadelta')
    cli.add_run_arguments(parser, out_default='runs/mnist_cnn')
    args = parser.parse_args(argv)
    optimizers.validate(args)
    return args


def load_data(args):
    """MNIST as (N, 1, 28, 28) images in [0, 1], cut to --train-size/--test-size."""
    train_data, test_data = get_mnist(args.data_dir, shape='image',
                                      train_limit=args.train_size, test_limit=args.test_size)
    # Keras prints (60000, 28, 28, 1): TensorFlow puts channels last, Chainer first.
    print(f'x_train shape: ({len(train_data)}, 1, 28, 28)')
    print(f'{len(train_data)} train samples')
    print(f'{len(test_data)} test samples')
    return train_data, test_data


class KerasEpochLine(chainer.training.Extension):
    """After each epoch, the line Keras's ``model.fit(..., verbose=1)`` ends it with."""

    trigger = 1, 'epoch'
    priority = chainer.training.PRIORITY_READER  # after LogReport has its record

    def __init__(self, epochs):
        self.epochs = epochs

    def __call__(self, trainer):
        log = trainer.get_extension('LogReport').log  # restored with a snapshot too
        record = log[-1]
        seconds = record['elapsed_time'] - (log[-2]['elapsed_time'] if len(log) > 1 else 0.0)
        print(f'Epoch {record["epoch"]}/{self.epochs} - {seconds:.0f}s'
              f' - loss: {record["main/loss"]:.4f} - acc: {record["main/accuracy"]:.4f}'
              f' - val_loss: {record["validation/main/loss"]:.4f}'
              f' - val_acc: {record["validation/main/accuracy"]:.4f}', flush=True)


def main(argv=None):
    args = parse_args(argv)
    device = get_device(args.device)
    set_seed(args.seed)
    train_data, test_data = load_data(args)
    out = training.prepare_out(args)
    runs.save_args(out, args)
    model = Classifier(KerasMnistCNN())
    model.to_device(device)
    optimizer = optimizers.from_args(args, model)
    print(f'Keras MNIST CNN, {type(optimizer).__name__}, batch {args.batchsize}, '
          f'{args.epoch} epochs -> {out}')
    log = training.train(model, optimizer, train_data, test_data, args, out, device,
                         title=f'Keras MNIST CNN ({args.optimizer})',
                         extra_extensions=[KerasEpochLine(args.epoch)])
    metrics = training.final_metrics(log)
    metrics['seconds_per_epoch'] = log[-1]['elapsed_time'] / log[-1]['epoch']
    runs.save_metrics(out, metrics)
    print(f'Test loss: {metrics["test_loss"]}')
    print(f'Test accuracy: {metrics["test_accuracy"]}')
    print(f'{metrics["seconds_per_epoch"]:.0f} s per epoch')
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
