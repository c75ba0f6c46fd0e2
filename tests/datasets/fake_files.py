"""Tiny files in the formats of Keras' dataset downloads.

Tests write them into a temporary Keras cache (`<home>/datasets/...`,
the names Keras' loaders look for), so the loaders run with no network.
The writers use `pickle` only to *produce* CIFAR batches and the object
arrays of IMDB / Reuters, as the real files were produced.
"""

import gzip
import hashlib
import io
import json
import pathlib
import pickle
import struct
import tarfile

import numpy as np


def sha256(path) -> str:
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def _datasets(home) -> pathlib.Path:
    folder = pathlib.Path(home) / "datasets"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_mnist(home, n_train=6, n_test=4, seed=0) -> pathlib.Path:
    rng = np.random.default_rng(seed)
    path = _datasets(home) / "mnist.npz"
    np.savez(
        path,
        x_train=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, n_train, dtype=np.uint8),
        x_test=rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, n_test, dtype=np.uint8),
    )
    return path


def _idx(array: np.ndarray) -> bytes:
    magic = 2049 if array.ndim == 1 else 2051
    header = struct.pack(">" + "i" * (array.ndim + 1), magic, *array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def write_fashion_mnist(home, n_train=5, n_test=3, seed=1) -> dict:
    rng = np.random.default_rng(seed)
    folder = _datasets(home) / "fashion-mnist"
    folder.mkdir(exist_ok=True)
    arrays = {
        "train-labels-idx1-ubyte.gz": rng.integers(0, 10, n_train),
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (n_train, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, n_test),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (n_test, 28, 28)),
    }
    for name, array in arrays.items():
        (folder / name).write_bytes(_idx(array))
    return arrays


def cifar_batch(n, label_keys, seed, classes) -> tuple[dict, bytes]:
    """A batch dict with bytes keys (as Python 2 wrote them) and its pickle."""
    rng = np.random.default_rng(seed)
    batch = {
        b"batch_label": b"fake batch",
        b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
        b"filenames": [f"img_{i}.png".encode() for i in range(n)],
    }
    for key, count in zip(label_keys, classes, strict=True):
        batch[key] = [int(v) for v in rng.integers(0, count, n)]
    return batch, pickle.dumps(batch, protocol=4)


def _tar_gz(path, members: dict) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))


def write_cifar10(home, n=3) -> tuple[pathlib.Path, dict]:
    """The archive at Keras' cache name, and the batches by file name."""
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    batches, members = {}, {}
    for seed, name in enumerate(names):
        batches[name], members[f"cifar-10-batches-py/{name}"] = cifar_batch(
            n, [b"labels"], seed, [10]
        )
    path = _datasets(home) / "cifar-10-batches-py-target_archive"
    _tar_gz(path, members)
    return path, batches


def write_cifar100(home, n=4) -> tuple[pathlib.Path, dict]:
    batches, members = {}, {}
    for seed, name in enumerate(["train", "test"]):
        batches[name], members[f"cifar-100-python/{name}"] = cifar_batch(
            n, [b"fine_labels", b"coarse_labels"], seed, [100, 20]
        )
    path = _datasets(home) / "cifar-100-python-target_archive"
    _tar_gz(path, members)
    return path, batches


def ragged(sequences) -> np.ndarray:
    array = np.empty(len(sequences), dtype=object)
    for i, sequence in enumerate(sequences):
        array[i] = list(sequence)
    return array


def write_imdb(home, x_train, y_train, x_test, y_test) -> pathlib.Path:
    path = _datasets(home) / "imdb.npz"
    np.savez(
        path,
        x_train=ragged(x_train),
        y_train=np.asarray(y_train, dtype=np.int64),
        x_test=ragged(x_test),
        y_test=np.asarray(y_test, dtype=np.int64),
    )
    return path


def write_reuters(home, x, y) -> pathlib.Path:
    path = _datasets(home) / "reuters.npz"
    np.savez(path, x=ragged(x), y=np.asarray(y, dtype=np.int64))
    return path


def random_sequences(n, seed, vocabulary=30, longest=12) -> list:
    rng = np.random.default_rng(seed)
    return [
        [int(w) for w in rng.integers(1, vocabulary, rng.integers(1, longest))]
        for _ in range(n)
    ]


def write_housing(home, name, n, features, dtype, seed=2) -> pathlib.Path:
    rng = np.random.default_rng(seed)
    path = _datasets(home) / name
    np.savez(
        path,
        x=rng.normal(size=(n, features)).astype(dtype),
        y=rng.normal(size=n).astype(dtype),
    )
    return path


def write_word_index(home, name, index: dict) -> pathlib.Path:
    path = _datasets(home) / name
    path.write_text(json.dumps(index))
    return path
