"""Measuring a trained classifier: loss and accuracy over a whole set, predictions, confusion.

Every number here is taken in test mode (dropout off, batch normalization on
its running averages) without a backprop graph, so it describes the net,
not one noisy batch.
"""

import collections

import chainer
import numpy as np

from netlib.device import to_numpy


def predict(model, x, batchsize=1000):
    """The class with the largest score for every row of *x*, as a NumPy array."""
    with chainer.using_config('train', False), chainer.no_backprop_mode():
        return np.concatenate([to_numpy(model(x[start:start + batchsize]).array.argmax(axis=1))
                               for start in range(0, len(x), batchsize)])


def evaluate(classifier, x, t, batchsize=1000):
    """Mean loss over all of (x, t) (batch means weighted by batch size) and accuracy as
    Keras and the posts count it: correct predictions / len(x).

    The classifier reports every batch it sees; inside a training loop those
    reports would overwrite the iteration's training numbers, so they go to a
    reporter of their own, as in Chainer's ``Evaluator``.
    """
    totals = collections.Counter()
    observer = chainer.Reporter()
    observer.add_observer('evaluated', classifier)
    with observer.scope({}), chainer.using_config('train', False), \
            chainer.no_backprop_mode():
        for start in range(0, len(x), batchsize):
            x_batch, t_batch = x[start:start + batchsize], t[start:start + batchsize]
            totals['loss'] += float(classifier(x_batch, t_batch).array) * len(x_batch)
            totals['accuracy'] += int((classifier.y.array.argmax(axis=1) == t_batch).sum())
    return {name: total / len(x) for name, total in totals.items()}


def confusion_matrix(t, predicted, classes=10):
    """classes x classes counts: row = true class, column = predicted class."""
    t, predicted = to_numpy(t), to_numpy(predicted)
    return np.bincount(t * classes + predicted, minlength=classes ** 2).reshape(classes, classes)


def print_confusion(confusion, name='digit', labels=None):
    """The counts as a table; *labels* (up to 6 characters) name the classes, else 0, 1, ..."""
    labels = range(len(confusion)) if labels is None else labels
    print(f'confusion matrix (rows: true {name}, columns: predicted {name})')
    print('      ' + ''.join(f'{label:>6}' for label in labels))
    for label, row in zip(labels, confusion):
        print(f'{label:>6}' + ''.join(f'{count:6d}' for count in row))
