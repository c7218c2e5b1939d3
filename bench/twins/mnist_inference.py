"""PyTorch twin of ``python -m experiments.mnist_inference --no-progress``.

The same whole run as netlib's: the book's sigmoid net 784-50-100-10 with the
book's weights (``dlfs/sample_weight.npz``, read without pickle), softmax on
the 10,000 MNIST test images one image at a time (the post's loop) and then in
batches of 100, each path timed and its accuracy printed (0.9352), the two
compared, and the confusion matrix printed.  netlib also draws the first 32
misclassified digits; the twin has no matplotlib and leaves that out.
"""

import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from common import load_mnist, parser, print_metrics


def book_net():
    return nn.Sequential(nn.Linear(784, 50), nn.Sigmoid(), nn.Linear(50, 100), nn.Sigmoid(),
                         nn.Linear(100, 10), nn.Softmax(dim=1))


def load_book_weights(model, path):
    """W1..W3, b1..b3 from the npz; the book's W is (in, out), nn.Linear's (out, in)."""
    weights = np.load(path, allow_pickle=False)
    layers = [module for module in model if isinstance(module, nn.Linear)]
    with torch.no_grad():
        for number, layer in enumerate(layers, start=1):
            layer.weight.copy_(torch.from_numpy(weights[f'W{number}'].T))
            layer.bias.copy_(torch.from_numpy(weights[f'b{number}']))
    return model.eval()


def predict_per_image(model, x):
    """The post's loop: the digit with the largest probability, one image at a time."""
    with torch.inference_mode():
        return np.array([int(model(image[None]).argmax()) for image in x])


def predict_batched(model, x, batchsize):
    with torch.inference_mode():
        return np.concatenate([model(x[start:start + batchsize]).argmax(1).numpy()
                               for start in range(0, len(x), batchsize)])


def timed(label, predict, t):
    """Run *predict*, print its time and accuracy; the predictions."""
    started = time.perf_counter()
    predicted = predict()
    print(f'{label}: {len(t)} images in {time.perf_counter() - started:.2f} s')
    print('Accuracy:' + str(float((predicted == t).sum()) / len(t)))
    return predicted


def print_confusion(confusion):
    print('confusion matrix (rows: true digit, columns: predicted digit)')
    print('      ' + ''.join(f'{label:>6}' for label in range(len(confusion))))
    for label, row in enumerate(confusion):
        print(f'{label:>6}' + ''.join(f'{count:6d}' for count in row))


def main():
    args = add_flags(parser(__doc__.split('\n')[0])).parse_args()
    x, t = load_mnist(args.data_dir, 'test', limit=args.test_size)
    t = t.numpy()
    model = load_book_weights(book_net(), Path(args.data_dir) / 'dlfs' / 'sample_weight.npz')
    per_image = timed('per-image loop (as in the post)', lambda: predict_per_image(model, x), t)
    batched = timed(f'batched, {args.batchsize} images per batch',
                    lambda: predict_batched(model, x, args.batchsize), t)
    disagreements = int((per_image != batched).sum())
    print(f'per-image and batched predictions differ on {disagreements} of {len(t)} images')
    confusion = np.bincount(t * 10 + batched, minlength=100).reshape(10, 10)
    print_confusion(confusion)
    print_metrics({'accuracy': float((batched == t).mean()),
                   'per_image_accuracy': float((per_image == t).mean()),
                   'disagreements': disagreements, 'confusion': confusion.tolist()})


def add_flags(parser):
    """netlib's flags for this run, with its defaults."""
    parser.add_argument('--batchsize', type=int, default=100)
    parser.add_argument('--test-size', type=int, default=None)
    parser.add_argument('--no-progress', action='store_true', help='accepted; prints no bar')
    return parser


if __name__ == '__main__':
    main()
