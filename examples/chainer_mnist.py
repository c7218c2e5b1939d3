#!/usr/bin/env python
"""Chainer's MNIST example as Chainer's users write it: plain Chainer, no netlib import.

With netlib installed it runs on Python 3.12 and 3.13 with NumPy 2 (netlib's import
hook patches chainer), and offline once ``netlib data chainer-cache`` has filled
Chainer's dataset cache::

    python examples/chainer_mnist.py --subset 1000 --iterations 300
    python examples/chainer_mnist.py --subset 1000 --iterations 400 \\
        --resume result/snapshot_iter_300
"""

import argparse

import chainer
import chainer.functions as F
import chainer.links as L
import numpy
from chainer import training
from chainer.training import extensions


class MLP(chainer.Chain):

    def __init__(self, n_units, n_out):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, n_units)
            self.l2 = L.Linear(None, n_units)
            self.l3 = L.Linear(None, n_out)

    def forward(self, x):
        h1 = F.relu(self.l1(x))
        h2 = F.relu(self.l2(h1))
        return self.l3(h2)


def parse_args():
    parser = argparse.ArgumentParser(description='Chainer example: MNIST')
    parser.add_argument('--batchsize', '-b', type=int, default=100)
    parser.add_argument('--epoch', '-e', type=int, default=20)
    parser.add_argument('--iterations', type=int, help='train this many iterations, '
                                                       'not --epoch epochs')
    parser.add_argument('--subset', type=int, help='the first N training images and '
                                                   'N/5 test images')
    parser.add_argument('--device', '-d', default='-1')
    parser.add_argument('--out', '-o', default='result')
    parser.add_argument('--resume', '-r', help='a snapshot to resume from')
    parser.add_argument('--unit', '-u', type=int, default=1000)
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args()


def main():
    args = parse_args()
    numpy.random.seed(args.seed)
    device = chainer.get_device(args.device)
    device.use()
    model = L.Classifier(MLP(args.unit, 10))
    model.to_device(device)
    optimizer = chainer.optimizers.Adam()
    optimizer.setup(model)

    train, test = chainer.datasets.get_mnist()
    if args.subset:
        train = chainer.datasets.split_dataset(train, args.subset)[0]
        test = chainer.datasets.split_dataset(test, args.subset // 5)[0]
    train_iter = chainer.iterators.SerialIterator(train, args.batchsize)
    test_iter = chainer.iterators.SerialIterator(test, args.batchsize, repeat=False,
                                                 shuffle=False)

    updater = training.updaters.StandardUpdater(train_iter, optimizer, device=device)
    stop = (args.iterations, 'iteration') if args.iterations else (args.epoch, 'epoch')
    trainer = training.Trainer(updater, stop, out=args.out)
    every = (100, 'iteration')
    trainer.extend(extensions.Evaluator(test_iter, model, device=device), trigger=every)
    trainer.extend(extensions.snapshot(), trigger=every)
    trainer.extend(extensions.LogReport(trigger=every))
    trainer.extend(extensions.PrintReport(
        ['epoch', 'iteration', 'main/loss', 'validation/main/loss', 'main/accuracy',
         'validation/main/accuracy', 'elapsed_time']))
    if args.resume:
        chainer.serializers.load_npz(args.resume, trainer)
    trainer.run()


if __name__ == '__main__':
    main()
