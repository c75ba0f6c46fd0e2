import numpy as np
import pytest

from ember import config
from ember.datasets import cifar10
from ember.datasets import cifar100
from ember.utils.file_utils import DownloadError
from tests.datasets import fake_files
from tests.utils.local_server import closed_port_url


def _images(batch):
    return batch[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


def test_cifar10_reads_the_archive(home, monkeypatch):
    path, batches = fake_files.write_cifar10(home, n=3)
    monkeypatch.setattr(cifar10, "_SHA256", fake_files.sha256(path))
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    train = [batches[f"data_batch_{i}"] for i in range(1, 6)]
    np.testing.assert_array_equal(
        x_train, np.concatenate([_images(b) for b in train])
    )
    np.testing.assert_array_equal(
        y_train[:, 0], sum((b[b"labels"] for b in train), [])
    )
    np.testing.assert_array_equal(x_test, _images(batches["test_batch"]))
    np.testing.assert_array_equal(
        y_test[:, 0], batches["test_batch"][b"labels"]
    )
    assert x_train.shape == (15, 32, 32, 3) and x_test.shape == (3, 32, 32, 3)
    assert y_train.shape == (15, 1) and y_test.shape == (3, 1)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {
        np.dtype("uint8")
    }
    assert (home / "datasets" / "cifar-10-batches-py-target").is_dir()


def test_cifar10_channels_first(home, monkeypatch):
    path, batches = fake_files.write_cifar10(home, n=2)
    monkeypatch.setattr(cifar10, "_SHA256", fake_files.sha256(path))
    monkeypatch.setattr(config, "image_data_format", lambda: "channels_first")
    monkeypatch.setattr(cifar10, "image_data_format", lambda: "channels_first")
    _, (x_test, _) = cifar10.load_data()
    np.testing.assert_array_equal(
        x_test, batches["test_batch"][b"data"].reshape(-1, 3, 32, 32)
    )


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_label_modes(home, monkeypatch, label_mode):
    path, batches = fake_files.write_cifar100(home, n=4)
    monkeypatch.setattr(cifar100, "_SHA256", fake_files.sha256(path))
    (x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode)
    key = f"{label_mode}_labels".encode()
    np.testing.assert_array_equal(x_train, _images(batches["train"]))
    np.testing.assert_array_equal(y_train[:, 0], batches["train"][key])
    np.testing.assert_array_equal(y_test[:, 0], batches["test"][key])
    assert x_test.shape == (4, 32, 32, 3) and x_test.dtype == np.uint8
    assert y_train.shape == (4, 1) and y_train.dtype == np.int64


def test_cifar100_label_mode_error_comes_first(home):
    with pytest.raises(ValueError, match="Received: label_mode=medium"):
        cifar100.load_data("medium")
    assert not (home / "datasets").exists()


def test_cifar_offline_names_the_archive_path(home, monkeypatch):
    origin = closed_port_url("cifar-10-python.tar.gz")
    monkeypatch.setattr(cifar10, "_ORIGIN", origin)
    folder = home / "datasets"
    with pytest.raises(DownloadError) as info:
        cifar10.load_data()
    assert f"URL fetch failure on {origin}" in str(info.value)
    assert (
        f"place it at {folder / 'cifar-10-batches-py-target_archive'} (it is"
        f" extracted into {folder / 'cifar-10-batches-py-target'})"
    ) in str(info.value)


def test_a_batch_that_is_not_a_dict_is_refused(home, tmp_path, monkeypatch):
    import io
    import pickle
    import tarfile

    body = pickle.dumps([1, 2, 3], protocol=4)
    path = home / "datasets" / "cifar-100-python-target_archive"
    path.parent.mkdir(parents=True)
    with tarfile.open(path, "w:gz") as archive:
        for name in ("train", "test"):
            info = tarfile.TarInfo(f"cifar-100-python/{name}")
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    monkeypatch.setattr(cifar100, "_SHA256", fake_files.sha256(path))
    with pytest.raises(ValueError, match="is not a CIFAR batch"):
        cifar100.load_data()
