"""Sentences turned into skip-gram training pairs: the vocabulary, each word's window."""

import collections

import numpy as np

from netlib.errors import DataError


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
    if not ids:
        raise DataError('no line of the text holds two words seen at least --min-count times: '
                        'no (centre, context) pairs to train on')
    centres, contexts = [], []
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    for sentence in ids:
        positions = np.arange(len(sentence))[:, None] + offsets
        inside = (positions >= 0) & (positions < len(sentence))
        centres.append(sentence)
        contexts.append(np.where(inside, sentence[np.clip(positions, 0, len(sentence) - 1)], -1))
    return np.concatenate(centres), np.concatenate(contexts).astype(np.int32)
