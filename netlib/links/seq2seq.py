"""An LSTM encoder-decoder over sequences of character ids, as Chainer's examples/seq2seq.

The encoder (``L.EmbedID`` then ``L.LSTM``) reads the question; its last
hidden and cell state start the decoder, a second ``L.LSTM`` whose input
at each step is the embedding of the previous answer character (``GO`` first)
and whose output goes through ``L.Linear`` to a softmax over the characters.
In training the previous character is the true one (teacher forcing); in
:meth:`Seq2seq.translate` it is the decoder's own previous output.
"""

import chainer
import chainer.functions as F
import chainer.links as L
from chainer import reporter

from netlib.links.recurrent import read_window


# Every question and every answer has the same length, so each step is one (B, E) batch
# through L.LSTM.  L.NStepLSTM, which takes a list of B sequences of any length, spent
# 62 ms per batch of 128 on 2 cores (22 s an epoch) splitting and regrouping them.


class Seq2seq(chainer.Chain):
    """Questions of *n_vocab* characters to answers of the same characters."""

    def __init__(self, n_vocab, n_units, n_embed=32):
        super().__init__()
        self.go = n_vocab  # the decoder's first input, a character of its own
        self.lossfun = F.softmax_cross_entropy  # names the loss axis of the plots
        self.compute_accuracy = True  # the Trainer prints and plots the accuracies
        with self.init_scope():
            self.embed_x = L.EmbedID(n_vocab, n_embed)
            self.embed_y = L.EmbedID(n_vocab + 1, n_embed)
            self.encoder = L.LSTM(n_embed, n_units)
            self.decoder = L.LSTM(n_embed, n_units)
            self.output = L.Linear(n_units, n_vocab)

    def encode(self, x):
        """The encoder's last (cell, hidden) state after the questions *x* (B, T)."""
        self.encoder.reset_state()
        read_window(self.encoder, F.swapaxes(self.embed_x(x), 0, 1))
        return self.encoder.c, self.encoder.h

    def decode(self, c, h, previous):
        """Scores (B * T, V), sequence by sequence, for the previous characters (B, T)."""
        self.decoder.set_state(c, h)
        ys = F.swapaxes(read_window(self.decoder, F.swapaxes(self.embed_y(previous), 0, 1)),
                        0, 1)                              # (B, T, units)
        return self.decoder.c, self.decoder.h, self.output(ys.reshape(-1, ys.shape[-1]))

    def forward(self, x, t):
        """Softmax cross-entropy of the answers *t* (B, T) given the questions *x*.

        Reports the loss and the share of answers right in all characters
        (``accuracy``) and per character (Keras's accuracy): in training with
        the true previous characters fed, in test mode (``train`` False, as in
        an Evaluator) of the greedy answers from :meth:`translate`.
        """
        go = self.xp.full((len(t), 1), self.go, t.dtype)
        c, h = self.encode(x)
        _, _, y = self.decode(c, h, self.xp.concatenate([go, t[:, :-1]], axis=1))
        loss = F.softmax_cross_entropy(y, t.ravel())
        if chainer.config.train:
            right = (y.array.argmax(axis=1) == t.ravel()).reshape(t.shape)
        else:
            right = self.translate(x, t.shape[1]) == t
        reporter.report({'loss': loss, 'accuracy': right.all(axis=1).mean(),
                         'accuracy_per_char': right.mean()}, self)
        return loss

    def translate(self, x, length):
        """Greedy answers (B, *length*): each step is fed the previous step's output."""
        with chainer.no_backprop_mode(), chainer.using_config('train', False):
            c, h = self.encode(x)
            previous = self.xp.full((len(x), 1), self.go, x.dtype)
            answer = []
            for _ in range(length):
                c, h, y = self.decode(c, h, previous)
                previous = y.array.argmax(axis=1).astype(x.dtype)[:, None]
                answer.append(previous)
            return self.xp.concatenate(answer, axis=1)
