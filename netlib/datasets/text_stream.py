"""A text read as Chainer's examples/ptb reads PTB: *batchsize* streams start at evenly
spaced places and move one character per step, so a run's batches depend only on the
step number (a resumed run gets the same ones)."""

import chainer
import numpy as np


def stream_starts(length, batchsize):
    """Where each of *batchsize* parallel streams starts in a text of *length* ids."""
    return np.arange(batchsize) * (length // batchsize)


def stream_window(ids, starts, step, length=1):
    """``(x, t)``, each ``(length, batchsize)``: the characters of every stream from *step*
    on, and the ones after them (wrapping at the end of the text)."""
    xp = chainer.backend.get_array_module(ids)
    position = (starts[None, :] + step + xp.arange(length)[:, None]) % len(ids)
    return ids[position], ids[(position + 1) % len(ids)]
