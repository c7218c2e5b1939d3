"""Recurrent nets from Chainer links: a plain tanh RNN cell beside ``L.LSTM``, the
adding problem's regressor and a character language model (Chainer's examples/ptb).

Both cells keep their state between calls, as ``L.LSTM`` does; :func:`start_state`
sets it to zeros (the same numbers as no state: the lateral links have no bias),
so that :class:`RecurrentState` can put it in every snapshot and a resumed run
continues from the very state it was killed in.
"""

import chainer
import chainer.functions as F
import chainer.links as L
from chainer import training

# The --kernels switch: one node or the cell's steps.
from netlib.kernels import read_embedded_window, read_window

CELLS = ('rnn', 'lstm')


class TanhRNN(chainer.Chain):
    """h_t = tanh(W x_t + U h_(t-1) + b): the plain recurrence, from two ``L.Linear``."""

    def __init__(self, n_in, n_units):
        super().__init__()
        with self.init_scope():
            self.upward = L.Linear(n_in, n_units)
            self.lateral = L.Linear(n_units, n_units, nobias=True)  # as L.LSTM's lateral
        self.h = None

    def reset_state(self):
        self.h = None

    def forward(self, x):
        u = self.upward(x)
        if self.h is not None:
            u = u + self.lateral(self.h)
        self.h = F.tanh(u)
        return self.h


def make_cell(kind, n_in, n_units):
    """``'rnn'``: :class:`TanhRNN`; ``'lstm'``: Chainer's ``L.LSTM``, same sizes."""
    return {'rnn': TanhRNN, 'lstm': L.LSTM}[kind](n_in, n_units)


def start_state(cell, batchsize):
    """Zero state for *batchsize* sequences (``c`` and ``h`` of an LSTM, ``h`` of an RNN)."""
    zeros = cell.xp.zeros((batchsize, cell.lateral.W.shape[1]), cell.lateral.W.dtype)
    if isinstance(cell, L.LSTM):
        cell.set_state(chainer.Variable(zeros), chainer.Variable(zeros.copy()))
    else:
        cell.h = chainer.Variable(zeros)


def state_arrays(cell):
    """The cell's state by name, the arrays themselves (a snapshot loads into them)."""
    names = ('c', 'h') if isinstance(cell, L.LSTM) else ('h',)
    return {name: getattr(cell, name).array for name in names}


class RecurrentState(training.Extension):
    """The hidden state of each net's cell, kept in every snapshot for a bit-identical resume.

    Truncated back-propagation carries the state from one update to the next,
    and ``serialize`` of a link saves only its parameters.  Start each state
    (:func:`start_state`) before the Trainer loads a snapshot into it.
    """

    trigger = 1, 'epoch'
    name = 'recurrent_state'

    def __init__(self, cells):
        self.cells = cells  # name -> cell

    def __call__(self, trainer):
        pass  # all the work is in serialize()

    def serialize(self, serializer):
        for name, cell in self.cells.items():
            for key, array in state_arrays(cell).items():
                serializer[name](key, array)  # loading copies into the array in place


class SequenceRegressor(chainer.Chain):
    """A cell read over a whole sequence ``(batch, T, features)``; one number from its last h."""

    def __init__(self, kind, n_in, n_units):
        super().__init__()
        with self.init_scope():
            self.cell = make_cell(kind, n_in, n_units)
            self.out = L.Linear(n_units, 1)

    def forward(self, x):
        start_state(self.cell, x.shape[0])
        read_window(self.cell, F.swapaxes(x, 0, 1))  # the T steps, first to last
        return self.out(self.cell.h)


class CharLM(chainer.Chain):
    """Characters in, next-character scores out: embedding, one recurrent layer, linear
    (examples/ptb's RNNForLM with one layer and no dropout)."""

    def __init__(self, n_vocab, n_units, kind='lstm'):
        super().__init__()
        with self.init_scope():
            self.embed = L.EmbedID(n_vocab, n_units)
            self.cell = make_cell(kind, n_units, n_units)
            self.out = L.Linear(n_units, n_vocab)

    def start_state(self, batchsize):
        start_state(self.cell, batchsize)

    def forward(self, x):
        """Next-character scores ``(batch, vocab)`` after one character of each stream."""
        return self.out(self.cell(self.embed(x)))

    def window(self, xs):
        """The same for a window ``(steps, batch)``: scores ``(steps * batch, vocab)``.

        The embedding and the output layer take the whole window in one call
        each, and so does the cell under ``--kernels fast``, the embedding inside
        its node (:func:`read_embedded_window`).
        """
        hs = read_embedded_window(self.cell, self.embed, xs)
        return self.out(hs.reshape(-1, hs.shape[-1]))
