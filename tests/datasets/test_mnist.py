import numpy as np
import pytest

from ember.datasets import fashion_mnist
from ember.datasets import mnist
from ember.utils.file_utils import DownloadError
from tests.datasets import fake_files
from tests.utils.local_server import closed_port_url


def test_mnist_reads_the_cached_file(home, monkeypatch):
    path = fake_files.write_mnist(home, n_train=6, n_test=4)
    monkeypatch.setattr(mnist, "_SHA256", fake_files.sha256(path))
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    with np.load(path) as f:
        np.testing.assert_array_equal(x_train, f["x_train"])
        np.testing.assert_array_equal(y_test, f["y_test"])
    assert x_train.shape == (6, 28, 28) and x_test.shape == (4, 28, 28)
    assert y_train.shape == (6,) and y_test.shape == (4,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {
        np.dtype("uint8")
    }


def test_mnist_path_names_the_cached_file(home, monkeypatch):
    path = fake_files.write_mnist(home)
    path.rename(home / "datasets" / "digits.npz")
    monkeypatch.setattr(
        mnist, "_SHA256", fake_files.sha256(home / "datasets" / "digits.npz")
    )
    (x_train, _), _ = mnist.load_data(path="digits.npz")
    assert x_train.shape == (6, 28, 28)


def test_mnist_offline_names_url_and_path(home, monkeypatch):
    origin = closed_port_url("")
    monkeypatch.setattr(mnist, "ORIGIN", origin)
    with pytest.raises(DownloadError) as info:
        mnist.load_data()
    message = str(info.value)
    assert f"URL fetch failure on {origin}mnist.npz" in message
    assert f"place it at {home / 'datasets' / 'mnist.npz'};" in message
    assert mnist._SHA256 in message


def test_mnist_keeps_a_cached_file_with_the_wrong_hash(home, monkeypatch):
    # The real hash: the fake file does not match, a download is tried and
    # fails, and the file is still there afterwards.
    path = fake_files.write_mnist(home)
    before = path.read_bytes()
    monkeypatch.setattr(mnist, "ORIGIN", closed_port_url(""))
    with pytest.raises(DownloadError, match="has the wrong sha256 hash"):
        mnist.load_data()
    assert path.read_bytes() == before


def test_fashion_mnist_reads_the_idx_files(home):
    arrays = fake_files.write_fashion_mnist(home, n_train=5, n_test=3)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_train, arrays["train-labels-idx1-ubyte.gz"])
    np.testing.assert_array_equal(x_test, arrays["t10k-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    assert x_train.shape == (5, 28, 28) and x_test.dtype == np.uint8
    assert y_test.shape == (3,) and y_test.dtype == np.uint8


def test_fashion_mnist_offline_names_its_folder(home, monkeypatch):
    origin = closed_port_url("")
    monkeypatch.setattr(fashion_mnist, "ORIGIN", origin)
    target = home / "datasets" / "fashion-mnist" / "train-labels-idx1-ubyte.gz"
    with pytest.raises(DownloadError, match=f"place it at {target}"):
        fashion_mnist.load_data()
