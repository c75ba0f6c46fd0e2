"""Reads one CIFAR batch file (a Python pickle) without unpickling."""

import numpy as np

from ember.datasets._pickle_reader import read_pickle


def load_batch(fpath: str, label_key: str = "labels"):
    """Returns `(data (N, 3, 32, 32) uint8, labels list)` of one batch."""
    with open(fpath, "rb") as f:
        batch = read_pickle(f.read(), encoding="bytes")
    if not isinstance(batch, dict):
        raise ValueError(f"{fpath} is not a CIFAR batch (no dict inside)")
    batch = {
        key.decode("utf8") if isinstance(key, bytes) else key: value
        for key, value in batch.items()
    }
    data, labels = batch.get("data"), batch.get(label_key)
    if not isinstance(data, np.ndarray) or not isinstance(labels, list):
        raise ValueError(
            f"{fpath} is not a CIFAR batch: expected 'data' (an array) and "
            f"{label_key!r} (a list)"
        )
    return data.reshape(data.shape[0], 3, 32, 32), labels
