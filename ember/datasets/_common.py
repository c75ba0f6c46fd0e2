"""Shared pieces of the dataset loaders: Keras' download folder and the
seeded shuffle-and-split of the tabular datasets."""

import numpy as np

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def check_test_split(test_split: float) -> None:
    if not 0 <= test_split < 1:
        raise ValueError(
            f"Invalid `test_split` argument: {test_split}. It must be "
            "between 0 and 1 (exclusive of 1)."
        )


def shuffle_and_split(x, y, test_split: float, seed: int):
    """Shuffles with `np.random.RandomState(seed)` and keeps the first
    `int(len(x) * (1 - test_split))` samples for training, as Keras."""
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (
        np.array(x[cut:]),
        np.array(y[cut:]),
    )
