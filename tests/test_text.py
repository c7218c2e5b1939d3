"""The text reader (any UTF-8 file; a missing, empty or binary one refused in one line),
gensim's Lee corpus found without importing gensim, and char_lm at a tiny size."""

import importlib.util
import sys

import numpy as np
import pytest

from netlib.datasets import text
from netlib.errors import DataError

HAS_GENSIM = importlib.util.find_spec('gensim') is not None


def test_any_utf8_file_is_read(tmp_path):
    path = tmp_path / 'poem.txt'
    path.write_text('古池や蛙飛び込む水の音\nnaïve café\n', encoding='utf-8')
    assert text.read_text(path) == '古池や蛙飛び込む水の音\nnaïve café\n'
    path.write_bytes(b'\xef\xbb\xbfwith a byte-order mark')
    assert text.read_text(path) == 'with a byte-order mark'


@pytest.mark.parametrize('content, message', [
    (b'', 'the file is empty'),
    (b' \n\n\t', 'the file is empty'),
    (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR', 'binary file'),
    (b'caf\xe9 in Latin-1', r'not UTF-8 text \(byte 3 '),
])
def test_empty_binary_and_non_utf8_files_are_refused(tmp_path, content, message):
    path = tmp_path / 'bad.txt'
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as error:
        text.read_text(path)
    assert '\n' not in str(error.value)


def test_a_missing_file_or_a_folder_is_refused(tmp_path):
    with pytest.raises(DataError, match='no such file'):
        text.read_text(tmp_path / 'nowhere.txt')
    with pytest.raises(DataError, match='is a folder'):
        text.read_text(tmp_path)


def test_without_gensim_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name: None)
    with pytest.raises(DataError, match=r"pip install -e '\.\[text\]'") as error:
        text.load_text()
    assert '\n' not in str(error.value) and '--text FILE' in str(error.value)


@pytest.mark.skipif(not HAS_GENSIM, reason="gensim not installed (pip install -e '.[text]')")
def test_the_lee_corpus_is_found_without_importing_gensim():
    sys.modules.pop('gensim', None)
    corpus, where = text.load_text()
    assert where.endswith('gensim/test/test_data/lee_background.cor')
    assert 'gensim' not in sys.modules
    assert len(corpus) > 300_000 and corpus.startswith('Hundreds of people')


def test_vocabulary_and_split():
    chars, ids = text.char_vocabulary('abcab')
    assert chars == ['a', 'b', 'c'] and ids.tolist() == [0, 1, 2, 0, 1]
    assert ids.dtype == np.int32
    train, test = text.split(np.arange(100), 0.1)
    assert train.tolist() == list(range(90)) and test.tolist() == list(range(90, 100))
    with pytest.raises(DataError, match='too few'):
        text.split(np.arange(5), 0.1)


@pytest.mark.parametrize('name, content', [
    ('missing.txt', None), ('empty.txt', b''), ('image.png', b'\x89PNG\x00\x00'),
])
def test_char_lm_refuses_bad_text_in_one_line_and_makes_no_run_folder(run, tmp_path, name,
                                                                     content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run('experiments.char_lm', '--text', path, '--out', tmp_path / 'run')
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and 'Traceback' not in result.stderr
    assert not (tmp_path / 'run').exists()


def test_char_lm_small_on_a_users_text(tmp_path):
    from experiments import char_lm
    path = tmp_path / 'text.txt'
    path.write_text('the cat sat on the mat. ' * 400, encoding='utf-8')
    metrics = char_lm.main(['--text', str(path), '--iteration', '60', '--lr', '0.01',
                            '--unit', '32', '--batchsize', '8', '--bproplen', '10',
                            '--sample-length', '40',
                            '--out', str(tmp_path / 'run'), '--no-progress'])
    assert metrics['vocabulary'] == 11  # 'the cat sat on the mat. '
    # the next character is the one 24 back: beyond a bigram, within the LSTM's reach
    assert metrics['lstm_bpc'] < metrics['bigram_bpc'] / 2 < metrics['unigram_bpc']
    assert set(metrics['samples']) == {'LSTM sample, temperature 0.5',
                                       'LSTM sample, temperature 1'}
    # primed with the text's first character: the text has no 'T' for 'The '
    assert all(len(sample) == 41 and sample[0] == 't' for sample in metrics['samples'].values())
    assert {path.name for path in (tmp_path / 'run').glob('*.png')} == {'loss.png',
                                                                         'held_out_bpc.png'}
