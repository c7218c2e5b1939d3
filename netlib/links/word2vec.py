"""Skip-gram with negative sampling, as Chainer's examples/word2vec, and how to score vectors.

:class:`SkipGram` is the example's model: ``L.EmbedID`` looks up each
context word's vector and ``L.NegativeSampling`` scores it against the
centre word and *negative* words drawn from the unigram distribution to the
power 0.75.  The word vectors are ``embed.W``.  The scores (Spearman
correlation with human similarity, analogy accuracy, nearest neighbours)
take any vectors, so netlib's and gensim's go through the same code.

On the CPU, ``--kernels fast`` computes the same loss with
:class:`SkipGramLoss`, whole arrays at a time: Chainer's CPU backward of
``negative_sampling`` and ``embed_id`` loops over the rows in Python.  On the
2-core machine, 10,000 centre words with window 5 in batches of 100 take 3.1 s
of updates with Chainer's functions and 0.28 s with the fast path, whose
scatter-add of the weight gradient is a compiled loop (:func:`add_rows`, 9 ms
for 60,000 rows of 100 where ``np.add.at`` takes 50).
"""

import collections

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


def vocabulary(sentences, min_count):
    """Words seen at least *min_count* times, most frequent first (ties by first sighting)."""
    counts = collections.Counter(word for sentence in sentences for word in sentence)
    words = [word for word, count in counts.most_common() if count >= min_count]
    return words, np.array([counts[word] for word in words], np.int32)


def windows(sentences, index, window):
    """(centres, contexts): every kept word with the *window* kept words either side.

    Rare words are dropped first, as gensim drops them.  Windows stay inside
    their sentence (a Lee article): a position beyond its ends is -1.
    """
    ids = [np.array([index[word] for word in sentence if word in index], np.int32)
           for sentence in sentences]
    ids = [sentence for sentence in ids if len(sentence) > 1]
    centres, contexts = [], []
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    for sentence in ids:
        positions = np.arange(len(sentence))[:, None] + offsets
        inside = (positions >= 0) & (positions < len(sentence))
        centres.append(sentence)
        contexts.append(np.where(inside, sentence[np.clip(positions, 0, len(sentence) - 1)], -1))
    return np.concatenate(centres), np.concatenate(contexts).astype(np.int32)


def unit_vectors(vectors):
    vectors = np.asarray(vectors, np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1)


def ranks(values):
    """Ranks from 1 with ties given their mean rank (as scipy.stats.rankdata)."""
    _, group, counts = np.unique(values, return_inverse=True, return_counts=True)
    last = np.cumsum(counts)  # the rank of the last value of each group of equal values
    return (last - (counts - 1) / 2)[group]


def spearman(a, b):
    """Spearman's rank correlation: Pearson's correlation of the ranks."""
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


def similarity_score(vectors, index, pairs):
    """(Spearman correlation of cosine similarity with the human scores, pairs covered)."""
    kept = [(index[a], index[b], score) for a, b, score in pairs if a in index and b in index]
    if len(kept) < 3:
        return None, len(kept)
    unit = unit_vectors(vectors)
    first, second, human = map(np.array, zip(*kept))
    return spearman((unit[first] * unit[second]).sum(axis=1), human), len(kept)


def analogy_score(vectors, index, questions):
    """(Share of a:b = c:d answered d by 3CosAdd, questions covered).

    The answer is the word nearest b - a + c in cosine among all but a, b and
    c, as gensim's ``most_similar(positive=[b, c], negative=[a])``.
    """
    kept = np.array([[index[word] for word in question] for question in questions
                     if all(word in index for word in question)], np.int64).reshape(-1, 4)
    if not len(kept):
        return None, 0
    unit = unit_vectors(vectors)
    a, b, c, d = kept.T
    scores = unit_vectors(unit[b] - unit[a] + unit[c]) @ unit.T
    rows = np.arange(len(kept))
    for excluded in (a, b, c):
        scores[rows, excluded] = -np.inf
    return float((scores.argmax(axis=1) == d).mean()), len(kept)


def score_vectors(vectors, index, similarity, questions):
    """({set: score}, {set: items covered}) for every similarity set and the analogies."""
    scored = {key: similarity_score(vectors, index, pairs) for key, pairs in similarity.items()}
    scored['analogy'] = analogy_score(vectors, index, questions)
    return ({key: score for key, (score, _) in scored.items()},
            {key: count for key, (_, count) in scored.items()})


def neighbours(vectors, k=10):
    """Each word's *k* nearest words by cosine (itself excluded), (V, k) indices."""
    unit = unit_vectors(vectors)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    return np.argsort(-similarity, axis=1, kind='stable')[:, :k]


def neighbour_overlap(first, second, k=10):
    """Mean share of each word's *k* nearest neighbours that two sets of vectors agree on."""
    a, b = neighbours(first, k), neighbours(second, k)
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(a, b)]))
