"""The UUUM post's handwritten-digit recognition: the book's trained net on MNIST.

The post runs the inference code of "Deep Learning from Scratch" (chapter 3)
with the book's trained weights ``sample_weight.pkl`` and prints
``Accuracy:0.9352`` for the 10,000 test images.  Here the same network is a
Chainer ``Chain``: 784 -> 50 -> 100 -> 10 (the post's text says the hidden
layers are 100 and 50, but the weights are 50 then 100), sigmoid between the
layers and softmax at the end.  The post's ``predict`` returns the scores
before softmax while its comment calls them probabilities; softmax keeps the
largest score largest, so the predictions are the same either way.

The images are scaled to [0, 1] and flattened, as ``load_mnist(normalize=True,
flatten=True)`` in the book.  Every image is classified twice: one at a time in
a loop, as in the post, and in minibatches, as the book does next; both give
the same predictions.  A confusion matrix and a grid of misclassified digits
show which mistakes the 6.48 % are.
"""

import time

import chainer
import chainer.functions as F
import chainer.links as L
import numpy as np

from netlib import cli, plots, runs
from netlib.datasets.mnist import load_mnist
from netlib.device import get_device, to_numpy
from netlib.errors import DataError
from netlib.plots import plt
from netlib.weights import book_weights_path, load_weights

MISCLASSIFIED_ROWS, MISCLASSIFIED_COLUMNS = 4, 8


class BookNet(chainer.Chain):
    """The book's three-layer net: sigmoid hidden layers, softmax output."""

    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(784, 50)
            self.l2 = L.Linear(50, 100)
            self.l3 = L.Linear(100, 10)

    def forward(self, x):
        z1 = F.sigmoid(self.l1(x))
        z2 = F.sigmoid(self.l2(z1))
        return F.softmax(self.l3(z2))

    def load_book_weights(self, weights, source):
        """Copy the book's ``W1..W3``, ``b1..b3`` in; its W is (in, out), Chainer's (out, in)."""
        for number, layer in enumerate((self.l1, self.l2, self.l3), start=1):
            W, b = weights.get(f'W{number}'), weights.get(f'b{number}')
            expected = (layer.W.shape[::-1], layer.b.shape)
            if W is None or b is None or (W.shape, b.shape) != expected:
                raise DataError(f'{source}: expected W{number}, b{number} of shapes '
                                f'{expected[0]}, {expected[1]} as in the book')
            layer.W.array[...] = W.T
            layer.b.array[...] = b


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--data-dir', default=None,
                        help='folder with mnist/ and dlfs/; when not given, '
                             '$NETLIB_DATA_DIR, else a per-user cache')
    parser.add_argument('--batchsize', '-b', type=cli.positive_int, default=100,
                        help='images per minibatch in the batched path')
    parser.add_argument('--limit', type=cli.positive_int, default=None,
                        help='classify only the first N test images; when not given, all 10,000')
    cli.add_run_arguments(parser, out_default='runs/mnist_inference')
    return parser.parse_args(argv)


def load_model(data_dir, device):
    path = book_weights_path(data_dir)
    model = BookNet()
    model.load_book_weights(load_weights(path), path)
    model.to_device(device)
    return model


def predict_per_image(model, x):
    """The post's loop: one image at a time, the digit with the largest probability."""
    predictions = []
    for image in x:
        y = model(image[None])  # Linear wants a batch axis: (784,) -> (1, 784)
        predictions.append(int(y.array.argmax()))
    return np.array(predictions)


def predict_batched(model, x, batchsize):
    """The same predictions, *batchsize* images per matrix product."""
    return np.concatenate([to_numpy(model(x[start:start + batchsize]).array.argmax(axis=1))
                           for start in range(0, len(x), batchsize)])


def timed(label, predict, t):
    """Run *predict*, print its time and the post's accuracy line; the predictions."""
    started = time.perf_counter()
    with chainer.using_config('train', False), chainer.no_backprop_mode():
        predicted = predict()
    seconds = time.perf_counter() - started
    accuracy_cnt = int((predicted == t).sum())
    print(f'{label}: {len(t)} images in {seconds:.2f} s')
    print('Accuracy:' + str(float(accuracy_cnt) / len(t)))
    return predicted


def confusion_matrix(t, predicted):
    """10x10 counts: row = true digit, column = predicted digit."""
    return np.bincount(t * 10 + predicted, minlength=100).reshape(10, 10)


def print_confusion(confusion):
    print('confusion matrix (rows: true digit, columns: predicted digit)')
    print('      ' + ''.join(f'{digit:6d}' for digit in range(10)))
    for digit, row in enumerate(confusion):
        print(f'{digit:6d}' + ''.join(f'{count:6d}' for count in row))


def plot_misclassified(path, x, t, predicted):
    """The first misclassified test images, each titled with its true and predicted digit."""
    wrong = np.flatnonzero(predicted != t)[:MISCLASSIFIED_ROWS * MISCLASSIFIED_COLUMNS]
    figure, axes = plt.subplots(MISCLASSIFIED_ROWS, MISCLASSIFIED_COLUMNS,
                                figsize=(1.5 * MISCLASSIFIED_COLUMNS, 1.8 * MISCLASSIFIED_ROWS))
    for axis in axes.flat:
        axis.axis('off')
    for axis, index in zip(axes.flat, wrong):
        axis.imshow(x[index].reshape(28, 28), cmap='gray_r')
        axis.set_title(f'#{index}: true {t[index]}\npredicted {predicted[index]}', fontsize=9)
    figure.suptitle(f'First {len(wrong)} of {int((predicted != t).sum())} misclassified '
                    f'test digits')
    plots.save_figure(figure, path)


def main(argv=None):
    args = parse_args(argv)
    device = get_device(args.device)
    x, t = load_mnist(args.data_dir, 'test', limit=args.limit)
    model = load_model(args.data_dir, device)
    out = runs.prepare(args.out)  # after the data loaded: a missing file leaves no run folder
    runs.save_args(out, args)
    x_device = device.send(x)
    per_image = timed('per-image loop (as in the post)',
                      lambda: predict_per_image(model, x_device), t)
    batched = timed(f'batched, {args.batchsize} images per batch',
                    lambda: predict_batched(model, x_device, args.batchsize), t)
    disagreements = int((per_image != batched).sum())
    print(f'per-image and batched predictions differ on {disagreements} of {len(t)} images')
    confusion = confusion_matrix(t, batched)
    print_confusion(confusion)
    plot_misclassified(out / 'misclassified.png', x, t, batched)
    metrics = {'accuracy': float((batched == t).mean()),
               'per_image_accuracy': float((per_image == t).mean()),
               'disagreements': disagreements,
               'confusion': confusion.tolist()}
    runs.save_metrics(out, metrics)
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
