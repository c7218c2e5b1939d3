"""Character language models measured: bits per character, n-gram baselines, samples.

The held-out text is read as the training text is read
(:mod:`netlib.datasets.text_stream`): parallel streams from evenly spaced places.
"""

import math

import chainer
import chainer.functions as F
import numpy as np

from netlib.datasets.text_stream import stream_starts

LN2 = math.log(2)


# Steps per call of the model when scoring: char_lm's held-out text, 1,125 steps of 32
# streams, took 0.27 s (LSTM) and 0.16 s (RNN) one step at a time, 0.17 and 0.09 in
# windows of 35 (the cell's steps in one call), less with the output layer and the loss
# over the window in one call too.
EVAL_WINDOW = 35


def bits_per_character(model, ids, batchsize):
    """Mean -log2 p(next character) of *model* over *ids*, read as *batchsize*
    contiguous streams from a zero state (every character after a stream's first
    is predicted once)."""
    xp = model.xp
    length = (len(ids) - 1) // batchsize
    starts = xp.asarray(stream_starts(len(ids) - 1, batchsize))
    ids = xp.asarray(ids)
    # Each step's summed loss stays on the device: a float() per step waited for the GPU
    # 1,125 times a model on char_lm's held-out text.
    sums = []
    model.start_state(batchsize)
    with chainer.no_backprop_mode(), chainer.using_config('train', False):
        for first in range(0, length, EVAL_WINDOW):  # the model reads a window in one call
            steps = xp.arange(first, min(first + EVAL_WINDOW, length))[:, None]
            xs, ts = ids[starts + steps], ids[starts + steps + 1]
            losses = F.softmax_cross_entropy(model.window(xs), ts.reshape(-1), reduce='no')
            sums.extend(losses.array.reshape(ts.shape).sum(axis=1))
    total = 0.0
    for value in chainer.backends.cuda.to_cpu(xp.stack(sums)).tolist():
        total += value  # step by step in Python floats, the order and rounding float() gave
    return total / (length * batchsize) / LN2


def ngram_bits(train, test, n_vocab, order):
    """Bits per character on *test* of the add-one (Laplace) smoothed unigram
    (*order* 1) or bigram (*order* 2) model counted on *train*."""
    if order == 1:
        counts = np.bincount(train, minlength=n_vocab) + 1.0
        return float(-np.log2(counts[test] / counts.sum()).mean())
    pairs = np.zeros((n_vocab, n_vocab))
    np.add.at(pairs, (train[:-1], train[1:]), 1)
    pairs += 1.0
    p = pairs[test[:-1], test[1:]] / pairs[test[:-1]].sum(axis=1)
    return float(-np.log2(p).mean())


def sample(model, chars, prime, length, temperature, random):
    """*length* characters drawn from *model* after *prime*, at *temperature*
    (below 1: likelier characters, more often)."""
    index = {char: i for i, char in enumerate(chars)}
    xp = model.xp
    model.start_state(1)
    text = [char for char in prime if char in index]
    with chainer.no_backprop_mode(), chainer.using_config('train', False):
        for char in text:
            scores = model(xp.asarray([index[char]], np.int32))
        for _ in range(length):
            logits = chainer.backends.cuda.to_cpu(scores.array[0]).astype(np.float64)
            p = np.exp((logits - logits.max()) / temperature)
            choice = random.choice(len(chars), p=p / p.sum())
            text.append(chars[choice])
            scores = model(xp.asarray([choice], np.int32))
    return ''.join(text)
