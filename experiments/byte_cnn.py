"""JPEG or program? A 1-D CNN reads 8 bytes (64 bits) of a file and tells (palloc's post).

palloc wrote a CNN from scratch (convolution, max pooling, a fully connected
layer, sigmoid activations, softmax output) and trained it on 8-byte pieces
of JPEG images and Windows .exe files: "about 92 %".  Here the same network is
:class:`netlib.convnets.ByteCNN`, trained with Chainer's Trainer, whose
backpropagation replaces the post's hand-derived gradients
(``tests/test_convnets.py`` checks them against numerical ones).

The files are real: JPEGs Python packages ship plus JPEGs Pillow encodes from
them and from MNIST digits (written to RUN/encoded/ to look at), and the
Windows launchers of setuptools and pip.  Windows are cut at random offsets
and each class gets the same number of windows.  Train and test windows come
from different *source groups* (printed): a photo and all its re-encodings are
one group, each MNIST sheet is one, and one launcher's builds for several
machines (cli-32.exe, cli-64.exe, cli-arm64.exe) are one, so no test window
comes from a source the network was trained on.  The run folder gets the loss and accuracy
curves and confusion.png.
"""

from pathlib import Path

import chainer
import numpy as np

from netlib import bytedata, cli, optimizers, plots, runs, steps, training
from netlib.bytedata import EXE, JPEG, KINDS
from netlib.convnets import ByteCNN
from netlib.datasets.mnist import load_mnist
from netlib.device import get_device, to_numpy
from netlib.networks import Classifier
from netlib.seed import set_seed


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    data = parser.add_argument_group('data')
    data.add_argument('--jpeg-dir', default=None,
                      help='folder searched (with subfolders) for *.jpg/*.jpeg files '
                           "(default: this Python's site-packages plus JPEGs encoded from "
                           'those and from MNIST digits)')
    data.add_argument('--exe-dir', default=None,
                      help="folder searched (with subfolders) for *.exe files (default: this "
                           "Python's site-packages, where setuptools and pip keep theirs)")
    data.add_argument('--data-dir', default=None,
                      help='folder holding mnist/, whose digits the default JPEGs show '
                           '(default: $NETLIB_DATA_DIR, else the per-user cache)')
    data.add_argument('--window', type=cli.positive_int, default=8,
                      help='bytes per example; the network sees 8 times as many bits')
    data.add_argument('--train-windows', type=cli.positive_int, default=20000,
                      help='training windows per class')
    data.add_argument('--test-windows', type=cli.positive_int, default=2000,
                      help='test windows per class')
    data.add_argument('--test-files', type=cli.positive_float, default=0.25,
                      help="share of each class's source groups (a file with its "
                           're-encodings or its other-machine builds) kept for testing only')
    net = parser.add_argument_group('network (the post: --channels 1 --kernel 4 --stride 1 '
                                    '--pool 2 --conv-activation sigmoid)')
    net.add_argument('--channels', type=cli.positive_int, default=64,
                     help='convolution kernels')
    net.add_argument('--kernel', type=cli.positive_int, default=8,
                     help='convolution kernel width in bits')
    net.add_argument('--stride', type=cli.positive_int, default=8,
                     help='bits the kernel moves per step (8: byte by byte)')
    net.add_argument('--pool', type=cli.positive_int, default=None,
                     help='max-pooling size in convolution outputs (default: all of them)')
    net.add_argument('--conv-activation', default='relu', choices=list(steps.ACTIVATIONS),
                     help='activation after the convolution')
    net.add_argument('--hidden', type=cli.positive_int, default=64,
                     help='units of the sigmoid fully connected layer')
    training.add_arguments(parser, batchsize=100, epoch=30)
    optimizers.add_arguments(parser, default='adam')
    cli.add_run_arguments(parser, out_default='runs/byte_cnn')
    args = parser.parse_args(argv)
    if args.test_files >= 1:
        parser.error(f'--test-files must be below 1, got {args.test_files}')
    optimizers.validate(args)
    return args


def find_files(folder, kind, window, require_two=True):
    """The usable, distinct files of *kind* below *folder*; prints the duplicates it skips.

    With *require_two*, refuses files from fewer than two source groups.
    """
    files, duplicates = bytedata.find_files([folder], kind, window)
    if require_two:
        bytedata.require_two(files, folder, kind)
    for name, original in duplicates.items():
        print(f'skipping {name}: same bytes as {original}')
    return files


def default_jpegs(args):
    """The JPEGs packages ship, plus the ones Pillow encodes from them and from MNIST."""
    photos = find_files(bytedata.site_packages(), JPEG, args.window, require_two=False)
    digits, _ = load_mnist(args.data_dir, 'test', scale=False, shape='image',
                           limit=bytedata.digits_needed())
    files = photos + bytedata.encode_jpegs(photos, digits[:, 0])
    bytedata.require_two(files, f'(default: {bytedata.site_packages()} plus encoded JPEGs)',
                         JPEG)
    return files


def save_encoded(out, files):
    """Write the encoded JPEGs into the run folder, so the listed names can be opened."""
    for file in files:
        if file.name.startswith('encoded/'):
            path = out / file.name
            path.parent.mkdir(exist_ok=True)
            with runs.atomic_path(path) as tmp:
                Path(tmp).write_bytes(file.data)


def print_split(kind, train, test, test_groups):
    """One line per file: its side, [its source group], its name and size."""
    n_groups = len(bytedata.group_files(train + test, kind))
    print(f'{kind.name}: {n_groups - len(test_groups)} training source groups '
          f'({len(train)} files), {len(test_groups)} test source groups ({len(test)} files: '
          f'{", ".join(test_groups)})')
    for side, files in (('train', train), ('test', test)):
        for file in files:
            group = bytedata.source_group(file.name, kind)
            print(f'  {side:5s} [{group}] {file.name} ({len(file.data):,} bytes)')


def build_datasets(args, files_per_kind):
    """Balanced bit windows from a split by source group: no source feeds both sides."""
    rng = np.random.default_rng(args.seed)
    train_files, test_files = [], []
    for kind, files in zip(KINDS, files_per_kind):
        train, test, test_groups = bytedata.split_by_group(files, args.test_files, kind)
        print_split(kind, train, test, test_groups)
        train_files.append(train)
        test_files.append(test)
    return (bytedata.balanced_dataset(train_files, args.train_windows, args.window, rng),
            bytedata.balanced_dataset(test_files, args.test_windows, args.window, rng))


def confusion_matrix(model, dataset, device):
    """counts[true class, predicted class] over *dataset*."""
    x, t = chainer.dataset.concat_examples(dataset[:])
    with chainer.using_config('train', False), chainer.no_backprop_mode():
        scores = model.predictor(device.send(x))
    predicted = to_numpy(scores).argmax(axis=1)
    counts = np.zeros((len(KINDS), len(KINDS)), dtype=int)
    np.add.at(counts, (t, predicted), 1)
    return counts


def print_confusion(counts):
    names = [kind.name for kind in KINDS]
    print('confusion matrix (rows: true class, columns: predicted class)')
    print(' ' * 12 + ''.join(f'{name:>10s}' for name in names))
    for name, row in zip(names, counts):
        print(f'{"true " + name:12s}' + ''.join(f'{count:10d}' for count in row))


def plot_confusion(path, counts, title):
    """The confusion matrix as a heat map with the counts written in."""
    names = [kind.name for kind in KINDS]
    figure, axes = plots.plt.subplots(figsize=(4.8, 4.2))
    image = axes.imshow(counts, cmap='Blues')
    for (row, column), count in np.ndenumerate(counts):
        dark = count > counts.max() / 2
        axes.text(column, row, f'{count}', ha='center', va='center',
                  color='white' if dark else 'black')
    axes.set_xticks(range(len(names)), names)
    axes.set_yticks(range(len(names)), names)
    axes.set_xlabel('predicted class')
    axes.set_ylabel('true class')
    axes.set_title(title)
    figure.colorbar(image, ax=axes, label='test windows')
    plots.save_figure(figure, path)


def main(argv=None):
    args = parse_args(argv)
    device = get_device(args.device)
    set_seed(args.seed)
    model = Classifier(ByteCNN(
        bits=8 * args.window, channels=args.channels, kernel=args.kernel, stride=args.stride,
        pool=args.pool, hidden=args.hidden, conv_activation=args.conv_activation))
    exe_files = find_files(args.exe_dir or bytedata.site_packages(), EXE, args.window)
    jpeg_files = (find_files(args.jpeg_dir, JPEG, args.window) if args.jpeg_dir
                  else default_jpegs(args))
    out = training.prepare_out(args)
    runs.save_args(out, args)
    save_encoded(out, jpeg_files)
    train_data, test_data = build_datasets(args, [jpeg_files, exe_files])
    model.to_device(device)
    optimizer = optimizers.from_args(args, model)
    print(f'ByteCNN over {8 * args.window} bits: {args.channels} {args.conv_activation} '
          f'kernels of {args.kernel} bits, stride {args.stride}, max-pool over '
          f'{args.pool or "all"} outputs, {args.hidden} sigmoid units; '
          f'{type(optimizer).__name__}, {len(train_data)} training and {len(test_data)} test '
          f'windows, {args.epoch} epochs -> {out}')
    log = training.train(model, optimizer, train_data, test_data, args, out, device,
                         title=f'ByteCNN, JPEG vs .exe ({args.optimizer})')
    metrics = training.final_metrics(log)
    metrics['seconds'] = log[-1]['elapsed_time']
    counts = confusion_matrix(model, test_data, device)
    metrics['confusion'] = counts.tolist()
    runs.save_metrics(out, metrics)
    print_confusion(counts)
    accuracy = np.trace(counts) / counts.sum()
    plot_confusion(out / 'confusion.png', counts,
                   f'ByteCNN on windows of unseen sources\naccuracy {accuracy:.4f}')
    print(f'test accuracy {metrics["test_accuracy"]:.4f} (the post: about 0.92), '
          f'{metrics["seconds"]:.0f} s')
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
