"""The word-similarity and analogy sets that ship in gensim's wheel, and its Lee corpus.

gensim's ``test/test_data`` folder holds ``wordsim353.tsv`` and
``simlex999.txt`` (word pairs with a human similarity score) and
``questions-words.txt`` (Mikolov et al.'s analogies, ``Athens Greece Baghdad
Iraq``).  The folder is found through the installed package's files,
without importing gensim; only these text files are read (its ``.model``
files are pickles and are never loaded).
"""

import importlib.util
import re
from pathlib import Path

from netlib.errors import DataError

SIMILARITY_SETS = {'wordsim353': 'wordsim353.tsv', 'simlex999': 'simlex999.txt'}
ANALOGIES = 'questions-words.txt'
LEE = 'lee_background.cor'
INSTALL = "pip install 'gensim==4.3.3' (or pip install -e '.[text]')"

# gensim.utils.simple_preprocess: lower-case runs of letters (no digits or '_'), 2-15 long.
WORD = re.compile(r'[^\W\d_]+')


def gensim_test_data():
    """The folder of gensim's shipped test data; a one-line error when gensim is missing."""
    spec = importlib.util.find_spec('gensim')
    if spec is None or not spec.submodule_search_locations:
        raise DataError(f'gensim is not installed, and its wheel holds the corpus and the '
                        f'evaluation sets: {INSTALL}')
    folder = Path(next(iter(spec.submodule_search_locations))) / 'test' / 'test_data'
    if not folder.is_dir():
        raise DataError(f'{folder} is missing: reinstall gensim ({INSTALL})')
    return folder


def data_file(name, folder=None):
    path = Path(folder or gensim_test_data()) / name
    if not path.is_file():
        raise DataError(f'{path} is missing: reinstall gensim ({INSTALL})')
    return path


def tokenize(line):
    """Lower-case words as gensim's ``simple_preprocess`` cuts them."""
    return [word for word in WORD.findall(line.lower()) if 2 <= len(word) <= 15]


def read_sentences(path):
    """One list of words per non-empty line of the UTF-8 text *path* (Lee: one article a line).

    The lead should fold this into the shared text reader (netlib/datasets/text.py).
    """
    try:
        text = Path(path).read_text(encoding='utf-8')
    except FileNotFoundError:
        raise DataError(f'--text {path}: no such file') from None
    except IsADirectoryError:
        raise DataError(f'--text {path} is a folder, not a text file') from None
    except UnicodeDecodeError:
        raise DataError(f'--text {path} is not UTF-8 text') from None
    sentences = [words for words in map(tokenize, text.splitlines()) if words]
    if not sentences:
        raise DataError(f'--text {path} holds no words')
    return sentences


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


def evaluation_sets(folder=None):
    """The two similarity sets and the analogies."""
    similarity = {name: read_similarity(data_file(file, folder))
                  for name, file in SIMILARITY_SETS.items()}
    return similarity, read_analogies(data_file(ANALOGIES, folder))
