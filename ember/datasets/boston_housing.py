"""Boston housing prices (13 features per house)."""

import numpy as np

from ember.datasets._common import ORIGIN
from ember.datasets._common import check_test_split
from ember.datasets._common import shuffle_and_split
from ember.utils.file_utils import get_file

_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(
    path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113
):
    """Loads the Boston housing dataset (506 houses).

    Args:
        path: Name of the file in the cache folder.
        test_split: Fraction of the samples kept for the test set.
        seed: Seed of the shuffle before the split.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: float features of shape
        `(n, 13)` and median values in k$ of shape `(n,)`, in the file's
        dtypes.
    """
    check_test_split(test_split)
    path = get_file(
        path, origin=f"{ORIGIN}boston_housing.npz", file_hash=_SHA256
    )
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return shuffle_and_split(x, y, test_split, seed)
