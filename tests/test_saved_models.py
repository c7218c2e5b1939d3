"""Saved models: the save_npz layout, no pickles, and one-line refusals of the wrong file."""

import chainer.links as L
import numpy as np
import pytest

from netlib import MLP
from netlib.cli import run_main
from netlib.links.convnets import KerasMnistCNN
from netlib.errors import DataError
from netlib.serializers.saved_models import layout, load, save


def _same(a, b):
    return all(np.array_equal(p.array, q.array)
               for p, q in zip(a.params(), b.params(), strict=True))


def test_a_saved_model_loads_back_identical(tmp_path):
    net = KerasMnistCNN()
    digest = save(tmp_path / 'cnn.npz', net)
    assert (tmp_path / 'cnn.npz.sha256').read_text().split() == [digest, 'cnn.npz']
    with np.load(tmp_path / 'cnn.npz', allow_pickle=False) as npz:  # Chainer's layout
        assert set(npz.files) == {'conv1/W', 'conv1/b', 'conv2/W', 'conv2/b', 'fc1/W', 'fc1/b',
                                  'fc2/W', 'fc2/b'}
    other = load(tmp_path / 'cnn.npz', KerasMnistCNN())
    assert _same(net, other) and not _same(net, KerasMnistCNN())


def test_persistent_values_travel_too(tmp_path):
    norm = L.BatchNormalization(3)
    norm.avg_mean[:] = [1, 2, 3]
    save(tmp_path / 'bn.npz', norm)
    assert set(layout(norm)) == {'gamma', 'beta', 'avg_mean', 'avg_var', 'N'}
    np.testing.assert_array_equal(load(tmp_path / 'bn.npz', L.BatchNormalization(3)).avg_mean,
                                  [1, 2, 3])


@pytest.mark.parametrize('other, words', [
    (MLP((784, 100, 10)), ['missing 0/W', 'unexpected conv1/W']),
    (MLP((784, 50, 10)), ['0/W has shape (100, 784), expected (50, 784)']),
])
def test_another_architecture_is_refused_and_left_untouched(tmp_path, other, words):
    save(tmp_path / 'net.npz', MLP((784, 100, 10)) if 'shape' in words[0] else KerasMnistCNN())
    before = [p.array.copy() for p in other.params()]
    with pytest.raises(DataError) as error:
        load(tmp_path / 'net.npz', other)
    assert all(word in str(error.value) for word in words) and '\n' not in str(error.value)
    assert all(np.array_equal(a, p.array) for a, p in zip(before, other.params()))


def test_a_changed_file_fails_its_checksum(tmp_path):
    save(tmp_path / 'net.npz', MLP((4, 3, 2)))
    data = bytearray((tmp_path / 'net.npz').read_bytes())
    data[40] ^= 0xFF
    (tmp_path / 'net.npz').write_bytes(bytes(data))
    with pytest.raises(DataError, match='SHA-256'):
        load(tmp_path / 'net.npz', MLP((4, 3, 2)))


def test_pickled_arrays_are_never_loaded(tmp_path):
    np.savez(tmp_path / 'evil.npz', **{'0/W': np.array([object()], dtype=object)})
    with pytest.raises(DataError, match='cannot load'):
        load(tmp_path / 'evil.npz', MLP((4, 3, 2)))


def test_a_missing_file_is_one_line_and_exit_2(tmp_path, capsys):
    def main(argv):
        load(tmp_path / 'absent.npz', MLP((4, 3, 2)))
    with pytest.raises(SystemExit) as stop:
        run_main(main)
    assert stop.value.code == 2
    assert capsys.readouterr().err.strip().count('\n') == 0


def test_only_npz_names_are_saved(tmp_path):
    with pytest.raises(DataError, match='must end in .npz'):
        save(tmp_path / 'net.pkl', MLP((4, 3, 2)))
