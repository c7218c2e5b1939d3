"""MNIST loading against the real files, plus every refusal of a bad file.

The data live outside the repository (``../shared/data`` or ``$NETLIB_DATA_DIR``: the
``data_dir`` fixture of conftest.py); tests that need them are skipped where they are
absent. Corrupt files are written to ``tmp_path``, never next to the real data.
"""

import gzip
import io
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from netlib.datasets import fetch
from netlib.datasets.mnist import (
    get_mnist, load_mnist, parse_idx, read_idx_file, resolve_data_dir)
from netlib.errors import DataError, UsageError

TEST_IMAGES, TEST_LABELS = "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"


@pytest.fixture(scope="module")
def train(data_dir):
    return load_mnist(data_dir, "train")


@pytest.fixture(scope="module")
def test_labels_raw(data_dir):
    """Uncompressed bytes of the real test-label file."""
    return gzip.decompress((data_dir / "mnist" / f"{TEST_LABELS}.gz").read_bytes())


def idx_bytes(array, magic):
    """An IDX file for ``array`` (uint8) with the given magic number."""
    dims = b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return magic.to_bytes(4, "big") + dims + np.asarray(array, np.uint8).tobytes()


def mnist_dir(tmp_path, data_dir, **files):
    """A ``tmp_path/mnist`` holding ``files`` (name -> bytes) and links to the rest."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    for name in (TEST_IMAGES, TEST_LABELS):
        if name not in files and f"{name}.gz" not in files:
            (folder / f"{name}.gz").symlink_to(data_dir / "mnist" / f"{name}.gz")
    return folder


# ---- the real data ----

def test_train_shapes_labels_and_pixel_statistics(train):
    x, t = train
    assert x.shape == (60000, 784) and x.dtype == np.float32
    assert t.dtype == np.int32
    assert t[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert round(float(x.mean(dtype=np.float64)), 4) == 0.1307
    assert round(float(x.std(dtype=np.float64)), 4) == 0.3081


def test_test_split_image_shape_raw_pixels_and_limit(data_dir):
    x, t = load_mnist(data_dir, "test")
    assert x.shape == (10000, 784) and t.shape == (10000,)
    images, labels = load_mnist(data_dir, "test", scale=False, shape="image", limit=7)
    assert images.shape == (7, 1, 28, 28) and images.dtype == np.uint8
    assert images.flags.writeable
    np.testing.assert_array_equal(images.reshape(7, 784) / np.float32(255), x[:7])
    np.testing.assert_array_equal(labels, t[:7])


def test_get_mnist_gives_chainer_tuple_datasets(data_dir):
    train, test = get_mnist(data_dir, train_limit=3, test_limit=3)
    assert len(train) == len(test) == 3
    image, label = train[0]
    assert image.shape == (784,) and int(label) == 5


def test_files_directly_in_data_dir_are_accepted(tmp_path, data_dir):
    for name in (TEST_IMAGES, TEST_LABELS):
        (tmp_path / f"{name}.gz").symlink_to(data_dir / "mnist" / f"{name}.gz")
    x, _ = load_mnist(tmp_path, "test", limit=2, download=False)
    assert x.shape == (2, 784)


def test_resolve_data_dir_order(tmp_path, monkeypatch):
    (tmp_path / "flag").mkdir()
    (tmp_path / "env").mkdir()
    monkeypatch.setenv("NETLIB_DATA_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert resolve_data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert resolve_data_dir() == tmp_path / "env"
    monkeypatch.delenv("NETLIB_DATA_DIR")
    assert resolve_data_dir() == tmp_path / "xdg" / "netlib"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert resolve_data_dir() == Path.home() / ".cache" / "netlib"


def test_a_data_dir_that_is_not_a_folder_is_refused(tmp_path, monkeypatch):
    with pytest.raises(DataError, match="--data-dir .* is not a folder"):
        resolve_data_dir(tmp_path / "typo")
    monkeypatch.setenv("NETLIB_DATA_DIR", str(tmp_path / "typo"))
    with pytest.raises(DataError, match="NETLIB_DATA_DIR .* is not a folder"):
        resolve_data_dir()


@pytest.mark.parametrize("options", [
    {"split": "validation"}, {"shape": "square"}, {"limit": 0}, {"limit": 2.5}])
def test_bad_options_are_usage_errors(tmp_path, options):
    with pytest.raises(UsageError):
        load_mnist(tmp_path, **options)


# ---- refusals ----

def test_truncated_idx_is_refused(tmp_path, data_dir, test_labels_raw):
    mnist_dir(tmp_path, data_dir, **{TEST_LABELS: test_labels_raw[:-5]})
    with pytest.raises(DataError, match="truncated"):
        load_mnist(tmp_path, "test", verify=False, download=False)


def test_wrong_magic_number_is_refused(tmp_path, data_dir, test_labels_raw):
    bad = (0x00000802).to_bytes(4, "big") + test_labels_raw[4:]
    mnist_dir(tmp_path, data_dir, **{TEST_LABELS: bad})
    with pytest.raises(DataError, match="magic number 0x00000802"):
        load_mnist(tmp_path, "test", verify=False, download=False)


def test_changed_pixel_fails_the_checksum(tmp_path, data_dir):
    raw = bytearray(gzip.decompress(
        (data_dir / "mnist" / f"{TEST_IMAGES}.gz").read_bytes()))
    raw[16 + 300] ^= 0xFF
    parse_idx(bytes(raw), "still a valid IDX file")
    mnist_dir(tmp_path, data_dir, **{TEST_IMAGES: bytes(raw)})
    with pytest.raises(DataError, match=f"{TEST_IMAGES} has SHA-256 [0-9a-f]{{64}}, "
                                        "expected 0fa7898d"):
        load_mnist(tmp_path, "test", download=False)


def test_truncated_gzip_is_refused(tmp_path, data_dir):
    gz = (data_dir / "mnist" / f"{TEST_LABELS}.gz").read_bytes()
    mnist_dir(tmp_path, data_dir, **{f"{TEST_LABELS}.gz": gz[:len(gz) // 2]})
    with pytest.raises(DataError, match="not a valid gzip file"):
        load_mnist(tmp_path, "test", download=False)


def test_image_and_label_counts_must_match(tmp_path, data_dir, test_labels_raw):
    labels = parse_idx(test_labels_raw, TEST_LABELS)[:-1]
    mnist_dir(tmp_path, data_dir, **{TEST_LABELS: idx_bytes(labels, 0x00000801)})
    with pytest.raises(DataError, match="10000 images but .* 9999 labels"):
        load_mnist(tmp_path, "test", verify=False, download=False)


@pytest.mark.parametrize("raw, message", [
    (b"\x00\x00", "truncated"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x02", "truncated"),
    (idx_bytes(np.zeros((0, 28, 28)), 0x00000803), "zero dimension"),
    (idx_bytes(np.zeros(3), 0x00000801) + b"\x00", "1 trailing bytes"),
    (idx_bytes(np.zeros(3), 0x00000801)[:-1], "truncated"),
])
def test_parse_idx_refuses_malformed_headers(raw, message):
    with pytest.raises(DataError, match=message):
        parse_idx(raw, "sample")


def test_parse_idx_reads_big_endian_dimensions():
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(parse_idx(idx_bytes(array, 0x00000803), "x"), array)


def test_labels_file_in_place_of_images_is_refused(tmp_path, data_dir,
                                                   test_labels_raw):
    mnist_dir(tmp_path, data_dir, **{TEST_IMAGES: test_labels_raw})
    with pytest.raises(DataError, match="expected 28x28 images"):
        load_mnist(tmp_path, "test", verify=False, download=False)


def test_unknown_file_name_cannot_be_verified(tmp_path, test_labels_raw):
    path = tmp_path / "labels.idx"
    path.write_bytes(test_labels_raw)
    with pytest.raises(DataError, match="no checksum is pinned"):
        read_idx_file(path)
    assert read_idx_file(path, verify=False).shape == (10000,)


# ---- download ----

def serve_from(folder, calls):
    """A stand-in for ``urllib.request.urlopen`` serving files of ``folder`` by name."""
    def urlopen(url, timeout):
        calls.append((url, timeout))
        return io.BytesIO((folder / url.rsplit("/", 1)[1]).read_bytes())
    return urlopen


def test_missing_files_are_downloaded_into_the_cache(tmp_path, data_dir, monkeypatch):
    monkeypatch.delenv("NETLIB_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls = []
    monkeypatch.setattr(urllib.request, "urlopen",
                        serve_from(data_dir / "mnist", calls))
    x, t = load_mnist(split="test")
    assert [url for url, _ in calls] == [
        f"https://ossci-datasets.s3.amazonaws.com/mnist/{TEST_IMAGES}.gz",
        f"https://ossci-datasets.s3.amazonaws.com/mnist/{TEST_LABELS}.gz"]
    assert all(timeout == fetch.TIMEOUT_S for _, timeout in calls)
    cache = tmp_path / "netlib" / "mnist"
    assert sorted(p.name for p in cache.iterdir()) == [TEST_IMAGES, TEST_LABELS]
    expected_x, expected_t = load_mnist(data_dir, "test")
    np.testing.assert_array_equal(x, expected_x)
    np.testing.assert_array_equal(t, expected_t)
    load_mnist(split="test", download=False)  # now served from the cache


def test_download_with_wrong_content_is_not_kept(tmp_path, monkeypatch):
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / f"{TEST_IMAGES}.gz").write_bytes(gzip.compress(b"not mnist"))
    monkeypatch.setattr(urllib.request, "urlopen", serve_from(fake, []))
    (tmp_path / "data").mkdir()
    with pytest.raises(DataError, match="SHA-256"):
        load_mnist(tmp_path / "data", "test")
    assert not any((tmp_path / "data").rglob("*"))


def test_offline_gives_a_clear_error(tmp_path, monkeypatch):
    def offline(url, timeout):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DataError) as info:
        load_mnist(tmp_path, "test")
    message = str(info.value)
    assert f"missing in {tmp_path}" in message and "download failed" in message
    assert "no network" in message
    assert "--data-dir" in message and "NETLIB_DATA_DIR" in message


def test_missing_files_without_download(tmp_path):
    with pytest.raises(DataError, match="missing in .* downloading is off"):
        load_mnist(tmp_path, "test", download=False)


def test_a_gz_file_is_decoded_once_and_its_kept_array_checked(tmp_path, data_dir,
                                                               test_labels_raw, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = data_dir / "mnist" / f"{TEST_LABELS}.gz"
    first = read_idx_file(path)
    kept, = (tmp_path / "xdg" / "netlib" / "decoded").glob("*.npy")
    np.testing.assert_array_equal(np.load(kept), first)
    assert np.array_equal(read_idx_file(path), parse_idx(test_labels_raw, "labels"))
    damaged = np.load(kept)
    damaged[0] += 1  # the entry no longer matches the pinned checksum: decoded anew
    np.save(kept, damaged)
    np.testing.assert_array_equal(read_idx_file(path), first)
    np.testing.assert_array_equal(np.load(kept), first)


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path, data_dir, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    labels = read_idx_file(data_dir / "mnist" / f"{TEST_LABELS}.gz")
    assert labels.shape == (10000,) and labels[:3].tolist() == [7, 2, 1]
