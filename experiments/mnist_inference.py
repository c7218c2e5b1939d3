"""The UUUM post's digit recognition: the book's trained net on the MNIST test images.

The post's inference code ("Deep Learning from Scratch", chapter 3) with the book's
weights, one image at a time as in the post, then in minibatches as the book does next::

    netlib run mnist_inference --test-size 1000
"""

import time

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer
import chainer.functions as F
import chainer.links as L
import numpy as np

from netlib import cli, plots
from netlib.cli import flags
from netlib.datasets.mnist import load_mnist
from netlib.errors import DataError
from netlib.evaluation import confusion_matrix, predict, print_confusion
from netlib.training.runs import Run
from netlib.serializers.weights import book_weights_path, load_weights

DEFAULTS = dict(
    batchsize=100,        # images per matrix product in the batched path
    data_dir=None,        # mnist/ and dlfs/sample_weight.pkl
    test_size=None,       # all 10,000 test images
    out='runs/mnist_inference',
)


class BookNet(chainer.Chain):
    """The book's 784 -> 50 -> 100 -> 10 net (as its weights; the post's text says 100, 50)."""

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


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS)
    run = Run(args)

    # 0: load data, scaled to [0, 1] and flattened (the book's normalize=True, flatten=True)
    x, t = load_mnist(args.data_dir, 'test', limit=args.test_size)
    x_device = run.device.send(x)

    # 1: settings: the book's trained network (sample_weight.pkl)
    model = load_model(args.data_dir, run.device)

    # 2: inference, nothing trained: the post's loop, one image at a time, then the
    # book's next step, a minibatch per matrix product
    per_image = timed('per-image loop (as in the post)',
                      lambda: predict_per_image(model, x_device), t)
    batched = timed(f'batched, {args.batchsize} images per batch',
                    lambda: predict(model, x_device, args.batchsize), t)
    disagreements = int((per_image != batched).sum())
    print(f'per-image and batched predictions differ on {disagreements} of {len(t)} images')

    # 3: results: which digits are mistaken for which
    confusion = confusion_matrix(t, batched)
    print_confusion(confusion)
    wrong = np.flatnonzero(batched != t)
    shown = wrong[:32]  # the first mistakes, each titled with its true and predicted digit
    plots.image_grid(run.path('misclassified.png'), x[shown], f'First {len(shown)} of '
                     f'{len(wrong)} misclassified test digits', columns=8, cmap='gray_r',
                     titles=[f'#{i}: true {t[i]}\npredicted {batched[i]}' for i in shown])
    return run.save_metrics({'accuracy': float((batched == t).mean()),
                             'per_image_accuracy': float((per_image == t).mean()),
                             'disagreements': disagreements,
                             'confusion': confusion.tolist()})


def load_model(data_dir, device):
    model, path = BookNet(), book_weights_path(data_dir)
    model.load_book_weights(load_weights(path), path)
    return model.to_device(device)


def predict_per_image(model, x):
    """The post's loop: the digit with the largest probability, one image at a time."""
    predictions = []
    with chainer.using_config('train', False), chainer.no_backprop_mode():
        for image in x:
            y = model(image[None])  # Linear wants a batch axis: (784,) -> (1, 784)
            predictions.append(int(y.array.argmax()))
    return np.array(predictions)


def timed(label, predict, t):
    """Run *predict*, print its time and accuracy; the predictions."""
    started = time.perf_counter()
    predicted = predict()
    print(f'{label}: {len(t)} images in {time.perf_counter() - started:.2f} s')
    accuracy_cnt = int((predicted == t).sum())  # the post's accuracy line, as it prints it
    print('Accuracy:' + str(float(accuracy_cnt) / len(t)))
    return predicted


if __name__ == '__main__':
    cli.run_main(main)
