"""JPEG or program? A 1-D CNN reads 8 bytes (64 bits) of a file and tells (palloc's post).

Train and test windows come from different source files (:mod:`netlib.datasets.bytedata`).
The post's own network: ``--channels 1 --kernel 4 --stride 1 --pool 2
--activation sigmoid``::

    netlib run byte_cnn --epoch 5 --train-windows 4000
"""

import argparse

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer

from netlib import cli, optimizers, plots
from netlib.cli import flags
from netlib.cli.memory import refuse_unless_fits, weights_bytes
from netlib.cli.wording import counted
from netlib.datasets import byte_files, bytedata
from netlib.datasets.byte_files import KINDS
from netlib.evaluation import confusion_matrix, predict, print_confusion
from netlib.evaluation.log_metrics import final_metrics
from netlib.links.convnets import ByteCNN, byte_cnn_outputs
from netlib.links.mlp import Classifier
from netlib.training.runs import Run

DEFAULTS = dict(
    epoch=30,
    batchsize=100,
    unit=64,              # units of the sigmoid fully connected layer
    activation='relu',    # after the convolution (the post: sigmoid)
    optimizer='adam',
    data_dir=None,        # mnist/, whose digits some default JPEGs show
    out='runs/byte_cnn',
)


def add_flags(group):
    group.add_argument('--window', type=flags.positive_int, default=8,
                       help='bytes per example; the network sees 8 times as many bits')
    group.add_argument('--train-windows', type=flags.positive_int, default=20000,
                       help='training windows per class')
    group.add_argument('--test-windows', type=flags.positive_int, default=2000,
                       help='test windows per class')
    group.add_argument('--test-files', type=fraction, default=0.25,
                       help="share of each class's source groups (a file with its "
                            're-encodings or builds) kept for testing only')
    group.add_argument('--jpeg-dir', default=None,
                       help="folder searched for *.jpg/*.jpeg (default: site-packages' "
                            'JPEGs plus JPEGs encoded from them and from MNIST digits)')
    group.add_argument('--exe-dir', default=None,
                       help="folder searched for *.exe (default: site-packages, where "
                            'setuptools and pip keep theirs)')
    group.add_argument('--channels', type=flags.positive_int, default=64,
                       help='convolution kernels')
    group.add_argument('--kernel', type=flags.positive_int, default=8,
                       help='convolution kernel width in bits')
    group.add_argument('--stride', type=flags.positive_int, default=8,
                       help='bits the kernel moves per step (8: byte by byte)')
    group.add_argument('--pool', type=flags.positive_int, default=None,
                       help='max-pooling size in convolution outputs (default: all of them)')


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    check_sizes(args)
    run = Run(args)

    # 0: load data: files of each class, cut into bit windows
    jpegs, exes = bytedata.load_files(args.jpeg_dir, args.exe_dir, args.window, args.data_dir)
    train, test = bytedata.windows_by_source(
        [jpegs, exes], args.test_files, args.train_windows, args.test_windows, args.window,
        args.seed)

    # 1: settings
    model = Classifier(ByteCNN(
        bits=8 * args.window, channels=args.channels, kernel=args.kernel, stride=args.stride,
        pool=args.pool, hidden=args.unit, conv_activation=args.activation))
    model.to_device(run.device)
    optimizer = optimizers.from_args(args, model)
    print(f'ByteCNN over {8 * args.window} bits: {args.channels} {args.activation} kernels '
          f'of {args.kernel} bits, stride {args.stride}, max-pool over {args.pool or "all"} '
          f'outputs, {args.unit} sigmoid units; {type(optimizer).__name__}, {len(train)} '
          f'training and {len(test)} test windows, {counted(args.epoch, "epoch")} -> {run.out}')

    # 2: training
    log = run.fit(model, optimizer, train, test, plot=f'ByteCNN, JPEG vs .exe ({args.optimizer})')

    # 3: results: which class is taken for which on windows of unseen sources
    x, t = chainer.dataset.concat_examples(test[:])
    counts = confusion_matrix(t, predict(model.predictor, run.device.send(x)), len(KINDS))
    names = [kind.name for kind in KINDS]
    print_confusion(counts, 'class', names)
    # The encoded JPEGs the split names, written only now: refused flags (a kernel wider
    # than the window, a batch larger than the data) leave no run folder behind.
    byte_files.save_encoded(run.out, jpegs)
    metrics = {**final_metrics(log), 'confusion': counts.tolist()}
    print(f'test accuracy {metrics["test_accuracy"]:.4f}')
    plots.confusion_heatmap(run.path('confusion.png'), counts, names, 'ByteCNN on windows of '
                            f'unseen sources\naccuracy {metrics["test_accuracy"]:.4f}',
                            count_label='test windows')
    return run.save_metrics(metrics)


def check_sizes(args):
    """Refuse, before any file is read, a --kernel or --pool the window cannot hold, and sizes
    that cannot fit: the windows of both classes (bytes, and their bits as float32), the
    net's weights and one batch's convolution outputs forward and back (float32)."""
    positions, pool = byte_cnn_outputs(8 * args.window, args.kernel, args.stride, args.pool)
    windows = 2 * (args.train_windows + args.test_windows) * 33 * args.window
    weights = weights_bytes([(args.channels, args.kernel),
                             (args.channels * (positions // pool), args.unit), (args.unit, 2)])
    refuse_unless_fits(windows + weights + 8 * args.batchsize * args.channels * positions,
                       f'--window {args.window}, --train-windows {args.train_windows}, '
                       f'--test-windows {args.test_windows} and --channels {args.channels}')


def fraction(text):
    value = flags.positive_float(text)
    if value >= 1:
        raise argparse.ArgumentTypeError(f'must be below 1, got {text!r}')
    return value


if __name__ == '__main__':
    cli.run_main(main)
