"""California housing prices (8 features per block group)."""

import numpy as np

from ember.datasets._common import ORIGIN
from ember.datasets._common import check_test_split
from ember.datasets._common import shuffle_and_split
from ember.utils.file_utils import get_file

_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(
    version: str = "large",
    path: str = "california_housing.npz",
    test_split: float = 0.2,
    seed: int = 113,
):
    """Loads the California housing dataset (20,640 block groups).

    Args:
        version: `"large"` (all samples) or `"small"` (the first 600).
        path: Name of the file in the cache folder.
        test_split: Fraction of the samples kept for the test set.
        seed: Seed of the shuffle before the split.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: float features of shape
        `(n, 8)` and median house values of shape `(n,)`, in the file's
        dtypes.
    """
    check_test_split(test_split)
    if version not in ("small", "large"):
        raise ValueError(
            "Argument `version` must be one of 'small', 'large'. "
            f"Received: version={version}"
        )
    path = get_file(
        path, origin=f"{ORIGIN}california_housing.npz", file_hash=_SHA256
    )
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    return shuffle_and_split(x, y, test_split, seed)
