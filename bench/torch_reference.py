"""The PyTorch side of ``make bench``: the same networks, optimizers, batches and data.

Runs in its own virtualenv (``bench/.venv-torch``): PyTorch 2.13 needs
setuptools >= 77, which breaks chainer's import, so the two never share one.
Reads the MNIST arrays that ``bench/run.py`` wrote as ``.npy`` files, times
one measurement and prints it as JSON on stdout.
"""

import argparse
import json
import time

import numpy as np
import torch
from torch import nn


def mlp():
    return nn.Sequential(nn.Linear(784, 1000), nn.ReLU(), nn.Linear(1000, 1000), nn.ReLU(),
                         nn.Linear(1000, 10))


def keras_cnn():
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
                         nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))


def book_net():
    return nn.Sequential(nn.Linear(784, 50), nn.Sigmoid(), nn.Linear(50, 100), nn.Sigmoid(),
                         nn.Linear(100, 10))


def train(model, optimizer, x, t, batchsize, iterations):
    """*iterations* updates on shuffled batches (one epoch when it covers x)."""
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    order = torch.randperm(len(x))
    for i in range(iterations):
        start = (i * batchsize) % len(x)
        index = order[start:start + batchsize]
        optimizer.zero_grad()
        loss_fn(model(x[index]), t[index]).backward()
        optimizer.step()


def evaluate(model, x, t, batchsize):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(x), batchsize):
            correct += (model(x[start:start + batchsize]).argmax(1)
                        == t[start:start + batchsize]).sum().item()
    return correct / len(x)


def load(folder, shape):
    arrays = [torch.from_numpy(np.load(f'{folder}/{name}.npy', allow_pickle=False))
              for name in ('x_train', 't_train', 'x_test', 't_test')]
    arrays[0], arrays[2] = arrays[0].reshape(shape), arrays[2].reshape(shape)
    arrays[1], arrays[3] = arrays[1].long(), arrays[3].long()
    return arrays


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('what', choices=['mlp_epoch', 'cnn_iterations', 'inference'])
    parser.add_argument('--data', required=True, help='folder of the .npy arrays')
    parser.add_argument('--iterations', type=int, default=30)
    parser.add_argument('--batchsize', type=int, default=100, help='inference batch')
    parser.add_argument('--passes', type=int, default=1, help='inference passes timed (mean)')
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.what == 'mlp_epoch':
        x, t, x_test, t_test = load(args.data, (-1, 784))
        model = mlp()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-8)
        started = time.perf_counter()
        train(model, optimizer, x, t, 100, len(x) // 100)
        accuracy = evaluate(model, x_test, t_test, 100)
        result = {'seconds': time.perf_counter() - started, 'test_accuracy': accuracy}
    elif args.what == 'cnn_iterations':
        x, t, _, _ = load(args.data, (-1, 1, 28, 28))
        model = keras_cnn()
        optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0, rho=0.95, eps=1e-6)
        train(model, optimizer, x, t, 128, 2)  # warm-up
        started = time.perf_counter()
        train(model, optimizer, x, t, 128, args.iterations)
        result = {'seconds': time.perf_counter() - started, 'iterations': args.iterations}
    else:
        _, _, x_test, t_test = load(args.data, (-1, 784))
        model = book_net()
        evaluate(model, x_test, t_test, args.batchsize)  # warm-up
        started = time.perf_counter()
        for _ in range(args.passes):
            evaluate(model, x_test, t_test, args.batchsize)
        result = {'seconds': (time.perf_counter() - started) / args.passes,
                  'images': len(x_test)}
    print(json.dumps(result))


if __name__ == '__main__':
    main()
