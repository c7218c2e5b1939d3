"""Weight loading: the book's weights in both formats, and refusal of unsafe files.

A pickle can run code while it loads; these tests prove the restricted unpickler
refuses such files before their payload runs.
"""

import io
import os
import pickle
import urllib.request

import numpy as np
import pytest

from netlib.errors import DataError
from netlib.serializers.weights import BOOK_WEIGHTS_URL, book_weights_path, load_weights

BOOK_SHAPES = {"W1": (784, 50), "b1": (50,), "W2": (50, 100), "b2": (100,),
               "W3": (100, 10), "b3": (10,)}


def test_book_npz_and_pkl_are_identical(data_dir):
    npz = load_weights(data_dir / "dlfs" / "sample_weight.npz")
    pkl = load_weights(data_dir / "dlfs" / "sample_weight.pkl")
    assert {name: w.shape for name, w in npz.items()} == BOOK_SHAPES
    assert npz.keys() == pkl.keys()
    for name in npz:
        assert npz[name].dtype == pkl[name].dtype == np.float32
        np.testing.assert_array_equal(npz[name], pkl[name])


def test_book_weights_path_prefers_npz(data_dir):
    assert book_weights_path(data_dir) == data_dir / "dlfs" / "sample_weight.npz"


def test_book_weights_path_refuses_a_changed_file(tmp_path, data_dir):
    (tmp_path / "dlfs").mkdir()
    data = bytearray((data_dir / "dlfs" / "sample_weight.npz").read_bytes())
    data[-100] ^= 0xFF
    (tmp_path / "dlfs" / "sample_weight.npz").write_bytes(bytes(data))
    with pytest.raises(DataError, match="SHA-256 .* expected 4097a45e"):
        book_weights_path(tmp_path)


def test_book_weights_are_downloaded_when_missing(tmp_path, data_dir, monkeypatch):
    calls = []

    def urlopen(url, timeout):
        calls.append(url)
        return io.BytesIO((data_dir / "dlfs" / "sample_weight.pkl").read_bytes())
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    path = book_weights_path(tmp_path)
    assert calls == [BOOK_WEIGHTS_URL]
    assert path == tmp_path / "dlfs" / "sample_weight.pkl"
    assert {name: w.shape for name, w in load_weights(path).items()} == BOOK_SHAPES


def test_book_weights_offline_gives_a_clear_error(tmp_path, monkeypatch):
    def offline(url, timeout):
        raise OSError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DataError, match="missing in .*download failed.*--data-dir"):
        book_weights_path(tmp_path)


class OpenFile:
    """Unpickling this calls ``open(target, 'w')``: it creates a file."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return open, (self.target, "w")


class RunShell:
    """Unpickling this runs a shell command that creates a file."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return os.system, (f"touch '{self.target}'",)


@pytest.mark.parametrize("payload", [OpenFile, RunShell])
def test_malicious_pickle_is_refused_before_it_runs(tmp_path, payload):
    target = tmp_path / "pwned"
    path = tmp_path / "weights.pkl"
    path.write_bytes(pickle.dumps({"W1": np.zeros(3), "b1": payload(str(target))}))
    with pytest.raises(DataError, match=r"refuses to load \w+\.(open|system)"):
        load_weights(path)
    assert not target.exists()


def test_open_payload_is_live_without_the_restriction(tmp_path):
    """Guards the test above: a plain ``pickle.loads`` really creates the file."""
    target = tmp_path / "created"
    pickle.loads(pickle.dumps(OpenFile(str(target)))).close()
    assert target.exists()


def test_npz_with_object_array_is_refused(tmp_path):
    path = tmp_path / "weights.npz"
    np.savez(path, W1=np.array([1, "x", None], dtype=object))
    with pytest.raises(DataError, match="cannot load weight file"):
        load_weights(path)


def test_pickled_object_array_is_refused(tmp_path):
    path = tmp_path / "weights.pkl"
    path.write_bytes(pickle.dumps({"W1": np.array([1, "x"], dtype=object)}))
    with pytest.raises(DataError, match="dtype 'O8' .* is not a plain number type"):
        load_weights(path)


@pytest.mark.parametrize("content, message", [
    ([np.zeros(3), np.ones(2)], "holds a list"),
    ({}, "holds a dict, expected a non-empty dict"),
    ({"W1": [1.0, 2.0]}, "maps 'W1' to a list"),
])
def test_pickle_that_is_not_a_dict_of_arrays_is_refused(tmp_path, content, message):
    path = tmp_path / "weights.pkl"
    path.write_bytes(pickle.dumps(content))
    with pytest.raises(DataError, match=message):
        load_weights(path)


def test_corrupt_and_misnamed_files_are_refused(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_weights(tmp_path / "absent.npz")
    (tmp_path / "weights.h5").write_bytes(b"")
    with pytest.raises(DataError, match="must end in .npz or .pkl"):
        load_weights(tmp_path / "weights.h5")
    (tmp_path / "cut.pkl").write_bytes(pickle.dumps({"W1": np.zeros(3)})[:-10])
    with pytest.raises(DataError, match="cannot unpickle"):
        load_weights(tmp_path / "cut.pkl")
    (tmp_path / "cut.npz").write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(DataError, match="cannot load weight file"):
        load_weights(tmp_path / "cut.npz")
    with open(tmp_path / "single.npz", "wb") as out:
        np.save(out, np.zeros(3))
    with pytest.raises(DataError, match="single .npy array"):
        load_weights(tmp_path / "single.npz")
