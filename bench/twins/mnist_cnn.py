"""PyTorch twin of ``python -m experiments.mnist_cnn --epoch 1 --train-size 12000``
(and, as ``mnist_cnn_full_epoch``, of ``--epoch 1``: all 60,000 images).

The same whole run as netlib's Chainer version of Keras's mnist_cnn.py: the
Keras MNIST CNN (Glorot-uniform kernels, zero biases, dropout 0.25 and 0.5),
AdaDelta (rho 0.95, eps 1e-6, full steps), batches of 128 drawn as Chainer's
SerialIterator draws them (an epoch's last batch is filled from the next
shuffle), after each epoch the test pass over all 10,000 test images (loss and
accuracy, batches of 128), and a checkpoint at the end.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from common import load_mnist, parser, train_classifier


class KerasMnistCNN(nn.Module):
    """Conv 32 3x3 ReLU -> Conv 64 3x3 ReLU -> max-pool 2 -> dropout 0.25 -> flatten ->
    Linear 128 ReLU -> dropout 0.5 -> Linear 10, with netlib's layer names."""

    def __init__(self, n_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(64 * 12 * 12, 128)
        self.fc2 = nn.Linear(128, n_classes)
        for layer in (self.conv1, self.conv2, self.fc1, self.fc2):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        return self.fc2(F.dropout(self.penultimate(x), 0.5, self.training))

    def penultimate(self, x):
        """The 128 features the last layer reads (before its dropout)."""
        h = F.relu(self.conv1(x))
        h = F.relu(self.conv2(h))
        h = F.dropout(F.max_pool2d(h, 2), 0.25, self.training)
        return F.relu(self.fc1(h.flatten(1)))  # NCHW flattened in C order, as Chainer's


def serial_batches(examples, batchsize):
    """One epoch of index batches as Chainer's repeating, shuffling SerialIterator gives:
    ceil(N / batchsize) full batches, the last one topped up from the next shuffle."""
    order = torch.randperm(examples)
    for start in range(0, examples, batchsize):
        batch = order[start:start + batchsize]
        if len(batch) < batchsize:
            order = torch.randperm(examples)
            batch = torch.cat([batch, order[:batchsize - len(batch)]])
        yield batch


def main():
    args = add_flags(parser(__doc__.split('\n')[0])).parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    shape = (-1, 1, 28, 28)
    x_train, t_train = load_mnist(args.data_dir, 'train', shape, limit=args.train_size)
    x_test, t_test = load_mnist(args.data_dir, 'test', shape, limit=args.test_size)
    print(f'{len(x_train)} train samples, {len(x_test)} test samples, '
          f'{math.ceil(len(x_train) / args.batchsize)} batches an epoch')
    model = KerasMnistCNN()
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0, rho=0.95, eps=1e-6)
    train_classifier(model, optimizer, (x_train, t_train), (x_test, t_test), args,
                     lambda examples: serial_batches(examples, args.batchsize))


def add_flags(parser):
    """netlib's flags for this run, with its defaults."""
    parser.add_argument('--epoch', type=int, default=2)
    parser.add_argument('--batchsize', type=int, default=128)
    parser.add_argument('--train-size', type=int, default=None)
    parser.add_argument('--test-size', type=int, default=None)
    parser.add_argument('--threads', type=int, default=None,
                        help="PyTorch intra-op threads (default: PyTorch's, one per core)")
    parser.add_argument('--no-progress', action='store_true', help='accepted; prints no bar')
    return parser


if __name__ == '__main__':
    main()
