"""CIFAR-10: 32x32 color images of 10 classes."""

import os

import numpy as np

from ember.core.config import image_data_format
from ember.datasets._cifar import load_batch
from ember.utils.file_utils import get_file

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """Loads CIFAR-10 (50,000 training and 10,000 test images).

    Classes: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog,
    6 frog, 7 horse, 8 ship, 9 truck. The archive is downloaded once into
    `~/.keras/datasets/` and extracted there; its batches are read without
    unpickling.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `uint8` images of shape
        `(50000, 32, 32, 3)` / `(10000, 32, 32, 3)` (channels first when
        `ember.config.image_data_format()` is `"channels_first"`) and
        `uint8` labels of shape `(50000, 1)` / `(10000, 1)`.
    """
    path = get_file(
        fname="cifar-10-batches-py-target",
        origin=_ORIGIN,
        extract=True,
        file_hash=_SHA256,
    )
    path = os.path.join(path, "cifar-10-batches-py")
    images, labels = [], []
    for i in range(1, 6):
        data, batch_labels = load_batch(os.path.join(path, f"data_batch_{i}"))
        images.append(data)
        labels.extend(batch_labels)
    x_train = np.concatenate(images).astype("uint8")
    y_train = np.array(labels, dtype="uint8").reshape(-1, 1)
    x_test, test_labels = load_batch(os.path.join(path, "test_batch"))
    x_test = x_test.astype("uint8")
    y_test = np.array(test_labels, dtype="uint8").reshape(-1, 1)
    if image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
