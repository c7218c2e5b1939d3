"""PyTorch twin of ``python -m experiments.mnist_mlp --epoch 1 --no-progress``.

The same whole run as netlib's Chainer MLP: 784-1000-1000-10 with ReLU,
Chainer's initialisation (LeCun normal weights, zero biases), Adam with
Chainer's defaults, shuffled batches of 100 over the 60,000 training images,
after each epoch the 10,000-image test pass (loss and accuracy, batches of
100), and a checkpoint at the end.
"""

import math

import torch
from torch import nn

from common import load_mnist, parser, train_classifier


def chainer_linear(n_in, n_out):
    """nn.Linear started as Chainer's L.Linear: LeCun normal weights, zero bias."""
    layer = nn.Linear(n_in, n_out)
    nn.init.normal_(layer.weight, std=math.sqrt(1 / n_in))
    nn.init.zeros_(layer.bias)
    return layer


def mlp(unit):
    return nn.Sequential(chainer_linear(784, unit), nn.ReLU(), chainer_linear(unit, unit),
                         nn.ReLU(), chainer_linear(unit, 10))


def main():
    args = add_flags(parser(__doc__.split('\n')[0])).parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train, t_train = load_mnist(args.data_dir, 'train', limit=args.train_size)
    x_test, t_test = load_mnist(args.data_dir, 'test', limit=args.test_size)
    model = mlp(args.unit)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    train_classifier(model, optimizer, (x_train, t_train), (x_test, t_test), args,
                     lambda examples: torch.randperm(examples).split(args.batchsize))


def add_flags(parser):
    """netlib's flags for this run, with its defaults."""
    parser.add_argument('--epoch', type=int, default=20)
    parser.add_argument('--batchsize', type=int, default=100)
    parser.add_argument('--unit', type=int, default=1000)
    parser.add_argument('--train-size', type=int, default=None)
    parser.add_argument('--test-size', type=int, default=None)
    parser.add_argument('--threads', type=int, default=None,
                        help="PyTorch intra-op threads (default: PyTorch's, one per core)")
    parser.add_argument('--no-progress', action='store_true', help='accepted; prints no bar')
    return parser


if __name__ == '__main__':
    main()
