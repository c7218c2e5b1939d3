"""Keras's mnist_cnn.py in Chainer, as the Cresco post runs it (2 epochs instead of 12).

The same network (:class:`netlib.links.convnets.KerasMnistCNN`), initialisation
(Glorot-uniform, zero biases), batch size 128 and optimizer (AdaDelta), and
the lines Keras prints: per epoch ``loss acc val_loss val_acc`` (Keras
validates on the test set), then ``Test loss`` and ``Test accuracy``::

    netlib run mnist_cnn                                     # ~36 s per epoch on 2 cores
    netlib run mnist_cnn --train-size 5000 --test-size 1000 --epoch 1
"""

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer

from netlib import Classifier, cli, optimizers, plots
from netlib.cli import flags
from netlib.cli.wording import counted
from netlib.datasets.mnist import get_mnist
from netlib.evaluation.log_metrics import final_metrics
from netlib.links.convnets import KerasMnistCNN
from netlib.training.runs import Run

DEFAULTS = dict(
    epoch=2,              # the post's epochs=2 (Keras's example: 12)
    batchsize=128,
    optimizer='adadelta',
    data_dir=None,
    train_size=None,
    test_size=None,
    communicator=None,    # ChainerMN, under mpiexec -n K: data-parallel
    out='runs/mnist_cnn',
)

# A known pitfall when comparing with today's Keras, so --help says it too.
ADADELTA_NOTE = (
    "The post's Keras (2.1.4) runs Adadelta(lr=1.0), which takes full AdaDelta steps; "
    "Chainer's AdaDelta has no learning rate and behaves the same. tf.keras's Adadelta "
    'defaults to learning_rate=0.001 instead, and after 2 epochs reaches only about 84 %.')

# Why the plots' training curves are worse than their test curves: the training numbers
# are means over the epoch with dropout on, the test numbers come after it without.
CURVE_LABELS = {'main/loss': 'train loss (epoch mean, dropout on)',
                'validation/main/loss': 'test loss (after the epoch, dropout off)',
                'main/accuracy': 'train accuracy (epoch mean, dropout on)',
                'validation/main/accuracy': 'test accuracy (after the epoch, dropout off)'}


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
    args = flags.parse(argv, __doc__, DEFAULTS, epilog=ADADELTA_NOTE)
    run = Run(args)

    # 0: load data, (N, 1, 28, 28) images in [0, 1]
    train, test = get_mnist(args.data_dir, shape='image', train_limit=args.train_size,
                            test_limit=args.test_size)
    # Keras prints (60000, 28, 28, 1): TensorFlow puts channels last, Chainer first.
    print(f'x_train shape: ({len(train)}, 1, 28, 28)')
    print(f'{len(train)} train samples')
    print(f'{len(test)} test samples')

    # 1: settings
    model = Classifier(KerasMnistCNN())
    model.to_device(run.device)
    optimizer = optimizers.from_args(args, model)
    print(f'Keras MNIST CNN, {type(optimizer).__name__}, batch {args.batchsize}, '
          f'{counted(args.epoch, "epoch")}, {args.kernels or "default"} kernels -> {run.out}')

    # 2: training
    log = run.fit(model, optimizer, train, test,
                  plot=plots.LogPlot(f'Keras MNIST CNN ({args.optimizer})', CURVE_LABELS),
                  extra_extensions=[KerasEpochLine(args.epoch)])

    # 3: results
    metrics = final_metrics(log)
    print(f'Test loss: {metrics["test_loss"]}')
    print(f'Test accuracy: {metrics["test_accuracy"]}')
    print(f'{metrics["seconds_per_epoch"]:.0f} s per epoch')
    return run.save_metrics(metrics)


if __name__ == '__main__':
    cli.run_main(main)
