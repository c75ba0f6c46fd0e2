"""ember.datasets and keras.datasets on the same tiny files in one cache.

Keras' loaders keep their real hashes, which the fake files do not match,
so Keras' `get_file` is called here without a hash (and pointed at the
test's cache); ember's loaders get the fake files' hashes.
"""

import tarfile

import numpy as np
import pytest

from ember import datasets
from tests.datasets import fake_files

keras_datasets = pytest.importorskip("keras.src.datasets")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return tmp_path


def _use_cache(monkeypatch, home, *modules):
    from keras.src.utils import file_utils

    def get_file(*args, **kwargs):
        kwargs.pop("file_hash", None)
        return file_utils.get_file(*args, cache_dir=str(home), **kwargs)

    for name in modules:
        module = __import__(f"keras.src.datasets.{name}", fromlist=["x"])
        monkeypatch.setattr(module, "get_file", get_file)


def _assert_same(ours, theirs):
    for (a_x, a_y), (b_x, b_y) in zip(ours, theirs, strict=True):
        for a, b in ((a_x, b_x), (a_y, b_y)):
            assert a.dtype == b.dtype
            if a.dtype == object:
                # Keras makes a 2-D array when all sequences have the same
                # length; ember's is always 1-D.
                assert a.ndim == 1 and len(a) == len(b)
                assert [list(x) for x in a] == [list(x) for x in b]
            else:
                assert a.shape == b.shape
                np.testing.assert_array_equal(a, b)


def test_mnist_and_fashion_mnist(home, monkeypatch):
    import keras

    path = fake_files.write_mnist(home, n_train=7, n_test=3)
    fake_files.write_fashion_mnist(home)
    monkeypatch.setattr(datasets.mnist, "_SHA256", fake_files.sha256(path))
    _use_cache(monkeypatch, home, "mnist", "fashion_mnist")
    _assert_same(datasets.mnist.load_data(), keras.datasets.mnist.load_data())
    _assert_same(
        datasets.fashion_mnist.load_data(),
        keras.datasets.fashion_mnist.load_data(),
    )


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100(home, monkeypatch, label_mode):
    import keras

    path, _ = fake_files.write_cifar100(home, n=3)
    monkeypatch.setattr(datasets.cifar100, "_SHA256", fake_files.sha256(path))
    _use_cache(monkeypatch, home, "cifar100")
    _assert_same(
        datasets.cifar100.load_data(label_mode),
        keras.datasets.cifar100.load_data(label_mode),
    )


def test_cifar10_batches(tmp_path):
    # Keras' cifar10.load_data needs batches of exactly 10,000 images;
    # the batch reader is compared instead, on a batch of 3.
    from keras.src.datasets.cifar import load_batch as keras_load_batch

    from ember.datasets._cifar import load_batch

    _, raw = fake_files.cifar_batch(3, [b"labels"], 0, [10])
    path = tmp_path / "data_batch_1"
    path.write_bytes(raw)
    (ours, our_labels), (theirs, their_labels) = (
        load_batch(str(path)),
        keras_load_batch(str(path)),
    )
    np.testing.assert_array_equal(ours, theirs)
    assert ours.dtype == theirs.dtype and our_labels == their_labels


# Ragged lengths, so that Keras' np.array(..., dtype="object") is 1-D too.
TEXT_CASES = [
    {},
    {"num_words": 12, "skip_top": 5},
    {"num_words": 12, "skip_top": 5, "oov_char": None},
    {"maxlen": 8, "seed": 3},
    {"start_char": None, "index_from": 0, "num_words": 20},
    {"start_char": None, "index_from": 2},
    {"start_char": 4, "oov_char": 9, "index_from": 5, "num_words": 25},
]


@pytest.mark.parametrize("kwargs", TEXT_CASES)
def test_imdb(home, monkeypatch, kwargs):
    import keras

    x_train = fake_files.random_sequences(9, seed=0)
    x_test = fake_files.random_sequences(7, seed=1)
    path = fake_files.write_imdb(
        home, x_train, [i % 2 for i in range(9)], x_test, [1] * 7
    )
    monkeypatch.setattr(datasets.imdb, "_SHA256", fake_files.sha256(path))
    _use_cache(monkeypatch, home, "imdb")
    _assert_same(
        datasets.imdb.load_data(**kwargs),
        keras.datasets.imdb.load_data(**kwargs),
    )


@pytest.mark.parametrize("kwargs", [*TEXT_CASES, {"test_split": 0.5}])
def test_reuters(home, monkeypatch, kwargs):
    import keras

    xs = fake_files.random_sequences(13, seed=2)
    path = fake_files.write_reuters(home, xs, [i % 4 for i in range(13)])
    monkeypatch.setattr(datasets.reuters, "_SHA256", fake_files.sha256(path))
    _use_cache(monkeypatch, home, "reuters")
    _assert_same(
        datasets.reuters.load_data(**kwargs),
        keras.datasets.reuters.load_data(**kwargs),
    )
    assert (
        datasets.reuters.get_label_names()
        == keras.datasets.reuters.get_label_names()
    )


@pytest.mark.parametrize(("test_split", "seed"), [(0.2, 113), (0.3, 5)])
def test_housing(home, monkeypatch, test_split, seed):
    import keras

    boston = fake_files.write_housing(home, "boston_housing.npz", 17, 13, "f8")
    california = fake_files.write_housing(
        home, "california_housing.npz", 650, 8, "f4"
    )
    monkeypatch.setattr(
        datasets.boston_housing, "_SHA256", fake_files.sha256(boston)
    )
    monkeypatch.setattr(
        datasets.california_housing, "_SHA256", fake_files.sha256(california)
    )
    _use_cache(monkeypatch, home, "boston_housing", "california_housing")
    _assert_same(
        datasets.boston_housing.load_data(test_split=test_split, seed=seed),
        keras.datasets.boston_housing.load_data(
            test_split=test_split, seed=seed
        ),
    )
    for version in ("small", "large"):
        _assert_same(
            datasets.california_housing.load_data(
                version, test_split=test_split, seed=seed
            ),
            keras.datasets.california_housing.load_data(
                version, test_split=test_split, seed=seed
            ),
        )


@pytest.mark.parametrize(
    ("fname", "extract"),
    [(None, False), ("named.bin", False), (None, True), ("pkg", True),
     ("pkg.tar.gz", True)],
)  # fmt: skip
def test_get_file_paths_match_keras(home, tmp_path, fname, extract):
    from keras.src.utils.file_utils import get_file as keras_get_file

    from ember.utils import get_file
    from tests.utils.local_server import LocalServer

    archive = tmp_path / "src.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(__file__, arcname="inner/file.py")
    # Keras falls back to /tmp/.keras for a cache_dir that does not exist.
    (home / "e").mkdir()
    (home / "k").mkdir()
    with LocalServer() as server:
        server.files["src.tar.gz"] = archive.read_bytes()
        origin = server.url("src.tar.gz")
        ours = get_file(fname, origin, extract=extract, cache_dir=home / "e")
        theirs = keras_get_file(
            fname, origin, extract=extract, cache_dir=str(home / "k")
        )
    assert ours.replace(str(home / "e"), "") == theirs.replace(
        str(home / "k"), ""
    )
