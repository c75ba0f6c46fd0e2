"""Reuters newswires, labelled by topic, as sequences of word indices."""

import numpy as np

from ember.datasets import _sequences
from ember.datasets._common import ORIGIN
from ember.datasets._npz import load_npz
from ember.utils.file_utils import get_file

_SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"
_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper",
    "housing", "money-supply", "coffee", "sugar", "trade", "reserves",
    "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx",
    "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
    "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
    "dlr", "gas", "silver", "wpi", "hog", "lead",
)  # fmt: skip


def load_data(
    path: str = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
):
    """Loads the Reuters newswire dataset (11,228 wires, 46 topics).

    Words are indexed as in `ember.datasets.imdb.load_data`. The wires are
    shuffled, processed, then split: the first
    `int(n * (1 - test_split))` are the training set.

    Args:
        path: Name of the file in the cache folder.
        num_words: Keep the words of index below `num_words`.
        skip_top: Indices below it become `oov_char` too.
        maxlen: Drop the wires of `maxlen` words or more.
        test_split: Fraction of the wires kept for the test set.
        seed: Seed of the shuffle.
        start_char: Index prepended to every wire (`None`: nothing).
        oov_char: Index of the removed words (`None`: drop them).
        index_from: Offset added to every word index.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: 1-D object arrays of lists
        of ints, and `int64` topic labels in [0, 45].
    """
    path = get_file(
        fname=path, origin=f"{ORIGIN}reuters.npz", file_hash=_SHA256
    )
    f = load_npz(path)
    rng = np.random.RandomState(seed)
    xs, labels = _sequences.shuffled(rng, f["x"], f["y"])
    xs = _sequences.offset(xs, start_char, index_from)
    if maxlen:
        xs, labels = _sequences.remove_long(maxlen, xs, labels)
    xs = _sequences.limit_words(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    return (_sequences.object_array(xs[:cut]), np.array(labels[:cut])), (
        _sequences.object_array(xs[cut:]),
        np.array(labels[cut:]),
    )


def get_word_index(path: str = "reuters_word_index.json") -> dict:
    """Returns the Reuters word index: a dict from word to index."""
    return _sequences.word_index(
        path, f"{ORIGIN}reuters_word_index.json", _INDEX_MD5
    )


def get_label_names() -> tuple:
    """Returns the 46 topic names, indexed by label."""
    return _LABEL_NAMES
