"""Plain text to train on: any UTF-8 file, or the English corpora inside gensim's wheel.

gensim ships small test corpora (``gensim/test/test_data/``); the Lee news
corpus, ``lee_background.cor``, is 300 news articles (about 360 KB) of
natural English.  They are found through the installed package's location
(``importlib.util.find_spec``), without importing gensim, and only text files
are read: the ``.model`` files beside them are pickles and are never loaded.
A missing, empty or binary file, or no gensim, is refused in one line
(:class:`netlib.errors.DataError`, exit code 2).
"""

import importlib.util
import re
from pathlib import Path

import numpy as np

from netlib.errors import DataError

LEE = 'lee_background.cor'
INSTALL = "pip install -e '.[text]' (or pip install gensim==4.3.3)"
# gensim.utils.simple_preprocess: lower-case runs of letters (no digits or '_'), 2-15 long.
WORD = re.compile(r'[^\W\d_]+')


def gensim_test_file(name):
    """The path of *name* in gensim's test data, found without importing gensim."""
    spec = importlib.util.find_spec('gensim')
    if spec is None or not spec.submodule_search_locations:
        raise DataError(f'the {name} corpus comes with gensim, which is not installed: '
                        f'{INSTALL}; or pass --text FILE')
    for folder in spec.submodule_search_locations:
        path = Path(folder) / 'test' / 'test_data' / name
        if path.is_file():
            return path
    raise DataError(f'gensim is installed without its test corpus {name} (looked in '
                    f'{spec.submodule_search_locations[0]}/test/test_data): reinstall it with '
                    f'{INSTALL}; or pass --text FILE')


def read_text(path):
    """The text of the UTF-8 file *path*; a missing, empty or binary file raises DataError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f'--text {path}: no such file') from None
    except IsADirectoryError:
        raise DataError(f'--text {path}: is a folder, not a text file') from None
    except OSError as error:
        raise DataError(f'--text {path}: cannot read it: {error.strerror}') from None
    if b'\0' in data:  # UTF-8 text never holds a NUL byte; images and archives do
        raise DataError(f'--text {path}: a binary file (it holds NUL bytes), not text')
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError as error:
        raise DataError(f'--text {path}: not UTF-8 text (byte {error.start} cannot be '
                        'decoded)') from None
    if not text.strip():
        raise DataError(f'--text {path}: the file is empty')
    return text


def load_text(path=None):
    """``(text, where)``: the file *path*, or gensim's Lee corpus when *path* is None."""
    path = gensim_test_file(LEE) if path is None else Path(path)
    return read_text(path), str(path)


def tokenize(line):
    """Lower-case words as gensim's ``simple_preprocess`` cuts them."""
    return [word for word in WORD.findall(line.lower()) if 2 <= len(word) <= 15]


def load_sentences(path=None):
    """One list of words per line that has any (Lee: one article a line) of the file *path*,
    or of gensim's Lee corpus when *path* is None."""
    text, where = load_text(path)
    sentences = [words for words in map(tokenize, text.splitlines()) if words]
    if not sentences:
        raise DataError(f'--text {where}: holds no words')
    return sentences


def char_vocabulary(text):
    """``(chars, ids)``: the distinct characters, sorted, and *text* as int32 ids into them."""
    chars, ids = np.unique(np.array(list(text)), return_inverse=True)
    return [str(char) for char in chars], ids.astype(np.int32)


def split(ids, held_out):
    """``(train, test)``: the first ``1 - held_out`` of *ids*, then the rest (contiguous,
    as PTB's valid and test sets follow its training set)."""
    cut = int(round(len(ids) * (1 - held_out)))
    if cut < 2 or len(ids) - cut < 2:
        raise DataError(f'the text has {len(ids)} characters: too few to hold out '
                        f'{held_out:g} of them for testing')
    return ids[:cut], ids[cut:]
