"""What every PyTorch twin shares: the MNIST files netlib reads, the clock, the checkpoint.

The twins run in ``bench/.venv-torch`` (PyTorch and NumPy only), so they read
the same gzipped IDX files as netlib with the standard library, as a PyTorch
user would without torchvision, and save a checkpoint at the end as netlib's
run writes its snapshot.
"""

import argparse
import gzip
import json
import os
import time
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

FILES = {'train': ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
         'test': ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')}


def parser(description):
    """The flags every twin takes: the data folder, the output folder, the seed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--data-dir', default=os.environ.get('NETLIB_DATA_DIR'),
                        help='folder holding mnist/ (as netlib reads it)')
    parser.add_argument('--out', required=True, help='folder for the checkpoint')
    parser.add_argument('--seed', type=int, default=0)
    return parser


def load_mnist(data_dir, split, shape=(-1, 784), limit=None):
    """Images as float32 in [0, 1] and int64 labels, decoded from the gz files."""
    folder = Path(data_dir) / 'mnist'
    image_file, label_file = (folder / name for name in FILES[split])
    images = np.frombuffer(gzip.decompress(image_file.read_bytes()), np.uint8, offset=16)
    labels = np.frombuffer(gzip.decompress(label_file.read_bytes()), np.uint8, offset=8)
    x = torch.from_numpy(images.reshape(shape)[:limit].astype(np.float32) / 255)
    return x, torch.from_numpy(labels[:limit].astype(np.int64))


def save_checkpoint(out, **state_dicts):
    """Model and optimizer state in one file, as netlib's snapshot at the end of a run."""
    Path(out).mkdir(parents=True, exist_ok=True)
    torch.save(state_dicts, Path(out) / 'checkpoint.pt')


def print_metrics(metrics):
    """The twin's numbers as one JSON line (the bench reads it; a person can too)."""
    print(json.dumps(metrics))


def train_epoch(model, optimizer, x, t, batches):
    """One epoch over *batches* (index tensors); its mean loss and accuracy over the
    batches, as Chainer's LogReport averages them."""
    model.train()
    loss_sum, accuracy_sum, count = 0.0, 0.0, 0
    for index in batches:
        y = model(x[index])
        loss = F.cross_entropy(y, t[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_sum += loss.item()
        accuracy_sum += (y.argmax(1) == t[index]).float().mean().item()
        count += 1
    return loss_sum / count, accuracy_sum / count


def evaluate(model, x, t, batchsize):
    """Whole-set loss (batch means weighted by size) and accuracy, as netlib's evaluator."""
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(x), batchsize):
            y = model(x[start:start + batchsize])
            target = t[start:start + batchsize]
            loss_sum += F.cross_entropy(y, target, reduction='sum').item()
            correct += (y.argmax(1) == target).sum().item()
    return loss_sum / len(x), correct / len(x)


def train_classifier(model, optimizer, train, test, args, sweep):
    """``args.epoch`` epochs over *train* in the batches ``sweep(len(x))`` gives, each
    followed by the test pass; a checkpoint, then the numbers as a JSON line."""
    (x_train, t_train), (x_test, t_test) = train, test
    started = time.perf_counter()
    for epoch in range(1, args.epoch + 1):
        train_loss, train_accuracy = train_epoch(model, optimizer, x_train, t_train,
                                                 sweep(len(x_train)))
        test_loss, test_accuracy = evaluate(model, x_test, t_test, args.batchsize)
        print(f'epoch {epoch}: loss {train_loss:.4f} acc {train_accuracy:.4f} '
              f'test loss {test_loss:.4f} test acc {test_accuracy:.4f}', flush=True)
    seconds = time.perf_counter() - started
    save_checkpoint(args.out, model=model.state_dict(), optimizer=optimizer.state_dict())
    print_metrics({'train_loss': train_loss, 'test_loss': test_loss,
                   'train_accuracy': train_accuracy, 'test_accuracy': test_accuracy,
                   'seconds_per_epoch': seconds / args.epoch})
