"""Word vectors scored: Spearman correlation with human similarity, analogy accuracy,
nearest neighbours.

Every score takes any vectors, so netlib's and gensim's go through the same code.
"""

import numpy as np


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
