"""MNIST handwritten digits, from Keras' copy."""

import numpy as np

from ember.datasets._common import ORIGIN
from ember.utils.file_utils import get_file

_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path: str = "mnist.npz"):
    """Loads the MNIST dataset (60,000 training and 10,000 test digits).

    The file is downloaded once from Keras' storage into
    `~/.keras/datasets/` (`$KERAS_HOME/datasets/`) and checked against its
    sha256 hash. Without network access, the error names the URL and the
    path where `mnist.npz` can be placed by hand.

    Args:
        path: Name of the file in the cache folder.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `uint8` arrays of shapes
        `(60000, 28, 28)`, `(60000,)`, `(10000, 28, 28)` and `(10000,)`;
        pixels in [0, 255], labels in [0, 9].

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape  # doctest: +SKIP
    (60000, 28, 28)
    """
    path = get_file(fname=path, origin=f"{ORIGIN}mnist.npz", file_hash=_SHA256)
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
