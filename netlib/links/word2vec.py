"""Skip-gram with negative sampling, as Chainer's examples/word2vec.

:class:`SkipGram` is the example's model: ``L.EmbedID`` looks up each
context word's vector and ``L.NegativeSampling`` scores it against the
centre word and *negative* words drawn from the unigram distribution to the
power 0.75.  The word vectors are ``embed.W``.

On the CPU, ``--kernels fast`` computes the same loss with
:class:`SkipGramLoss`, whole arrays at a time: Chainer's CPU backward of
``negative_sampling`` and ``embed_id`` loops over the rows in Python.
"""

import chainer
import chainer.links as L
import numpy as np
from chainer import function_node, initializers, reporter

from netlib import kernels
from netlib.kernels.compiled import add_rows


class SkipGram(chainer.Chain):
    """Chainer's examples/word2vec SkipGram: ``loss_func(embed(contexts), centre)``."""

    def __init__(self, counts, n_units, negative):
        super().__init__()
        with self.init_scope():
            self.embed = L.EmbedID(len(counts), n_units, ignore_label=-1,
                                   initialW=initializers.Uniform(1. / n_units))
            self.loss_func = L.NegativeSampling(n_units, counts, negative)

    def forward(self, centre, contexts):
        # A context beyond the sentence's end (-1) has no pair: its label -1 is ignored.
        centre = self.xp.where(contexts < 0, -1, centre[:, None]).astype(centre.dtype).ravel()
        # 10,000 centre words, window 5, batches of 100: 3.1 s of updates with Chainer's
        # functions, 0.28 s here (add_rows: 9 ms for 60,000 rows of 100, np.add.at 50).
        if kernels.chosen() == 'fast' and self.xp is np:
            samples = self.loss_func.sampler.sample((len(centre), self.loss_func.sample_size + 1))
            samples[:, 0] = centre  # the draws Chainer's negative_sampling makes
            loss, = SkipGramLoss(contexts.ravel(), samples).apply(
                (self.embed.W, self.loss_func.W))
        else:
            e = self.embed(contexts)                        # (B, 2 * window, units)
            loss = self.loss_func(e.reshape(-1, e.shape[-1]), centre)
        reporter.report({'loss': loss / max(1, int((centre >= 0).sum()))}, self)  # per pair
        return loss


class SkipGramLoss(function_node.FunctionNode):
    """``negative_sampling(embed_id(contexts, E), samples[:, 0], W)`` summed, vectorised.

    *samples* holds each row's true word, then its negatives; a row whose
    true word is -1 counts for nothing.
    """

    def __init__(self, contexts, samples):
        kept = samples[:, 0] >= 0
        self.contexts, self.samples = contexts[kept], samples[kept]

    def forward_cpu(self, inputs):
        E, W = inputs
        self.x, self.w = E[self.contexts], W[self.samples]  # (N, units), (N, 1 + k, units)
        self.sign = np.where(np.arange(self.samples.shape[1]) == 0, -1, 1).astype(E.dtype)
        # The true word's score counts against the loss, the negatives' for it.
        self.f = np.einsum('ij,ikj->ik', self.x, self.w) * self.sign
        self.shapes = E.shape, W.shape
        return np.asarray(np.logaddexp(self.f, 0).sum(), E.dtype),

    def backward(self, indexes, grad_outputs):
        g = self.sign / (1 + np.exp(-self.f)) * grad_outputs[0].array  # dloss / dscore
        gE, gW = (np.zeros(shape, g.dtype) for shape in self.shapes)
        add_rows(gE, self.contexts, np.einsum('ik,ikj->ij', g, self.w))
        add_rows(gW, self.samples.ravel(), (g[:, :, None] * self.x[:, None, :]).reshape(
            -1, self.x.shape[1]))
        return chainer.Variable(gE), chainer.Variable(gW)
