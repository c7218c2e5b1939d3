"""The word-similarity and analogy sets that ship in gensim's wheel.

gensim's ``test/test_data`` folder holds ``wordsim353.tsv`` and
``simlex999.txt`` (word pairs with a human similarity score) and
``questions-words.txt`` (Mikolov et al.'s analogies, ``Athens Greece Baghdad
Iraq``).  The folder is found through the installed package's files,
without importing gensim; only these text files are read (its ``.model``
files are pickles and are never loaded).
"""

from pathlib import Path

from netlib.datasets.text import gensim_test_file

SIMILARITY_SETS = {'wordsim353': 'wordsim353.tsv', 'simlex999': 'simlex999.txt'}
ANALOGIES = 'questions-words.txt'


def read_similarity(path):
    """``[(word, word, human score)]`` from a tab-separated file; ``#`` lines are comments."""
    pairs = []
    for line in Path(path).read_text(encoding='utf-8').splitlines():
        if line.strip() and not line.startswith('#'):
            first, second, score = line.split('\t')[:3]
            pairs.append((first.lower(), second.lower(), float(score)))
    return pairs


def read_analogies(path):
    """``{section: [(a, b, c, d)]}``, a is to b as c is to d, lower-cased."""
    sections, section = {}, None
    for line in Path(path).read_text(encoding='utf-8').splitlines():
        if line.startswith(':'):
            section = line[1:].strip()
            sections[section] = []
        elif line.strip():
            sections[section].append(tuple(line.lower().split()))
    return sections


def evaluation_sets():
    """The two similarity sets and the analogies."""
    similarity = {name: read_similarity(gensim_test_file(file))
                  for name, file in SIMILARITY_SETS.items()}
    return similarity, read_analogies(gensim_test_file(ANALOGIES))
