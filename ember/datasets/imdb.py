"""IMDB movie reviews, labelled by sentiment, as sequences of word indices."""

import numpy as np

from ember.datasets import _sequences
from ember.datasets._common import ORIGIN
from ember.datasets._npz import load_npz
from ember.utils.file_utils import get_file

_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(
    path: str = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
):
    """Loads the IMDB dataset (25,000 training and 25,000 test reviews).

    Each review is a list of word indices: index `i` is the i-th most
    frequent word, shifted by `index_from`. The file is downloaded once
    into `~/.keras/datasets/` and read without unpickling.

    Args:
        path: Name of the file in the cache folder.
        num_words: Keep the words of index below `num_words` (the others
            become `oov_char`); `None` keeps all but the largest index.
        skip_top: Indices below it become `oov_char` too.
        maxlen: Drop the reviews of `maxlen` words or more.
        seed: Seed of the shuffle.
        start_char: Index prepended to every review (`None`: nothing).
        oov_char: Index of the removed words (`None`: drop them).
        index_from: Offset added to every word index.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: 1-D object arrays of lists
        of ints, and `int64` labels (0 negative, 1 positive).

    Example:

    >>> (x_train, y_train), _ = load_data(num_words=10000)  # doctest: +SKIP
    """
    path = get_file(fname=path, origin=f"{ORIGIN}imdb.npz", file_hash=_SHA256)
    f = load_npz(path)
    rng = np.random.RandomState(seed)
    x_train, labels_train = _sequences.shuffled(rng, f["x_train"], f["y_train"])
    x_test, labels_test = _sequences.shuffled(rng, f["x_test"], f["y_test"])
    x_train = _sequences.offset(x_train, start_char, index_from)
    x_test = _sequences.offset(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = _sequences.remove_long(
            maxlen, x_train, labels_train
        )
        x_test, labels_test = _sequences.remove_long(
            maxlen, x_test, labels_test
        )
        if not x_train or not x_test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}"
                ", no sequence was kept. Increase maxlen."
            )
    xs = _sequences.limit_words(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    cut = len(x_train)
    return (_sequences.object_array(xs[:cut]), labels[:cut]), (
        _sequences.object_array(xs[cut:]),
        labels[cut:],
    )


def get_word_index(path: str = "imdb_word_index.json") -> dict:
    """Returns the IMDB word index: a dict from word to index (1-based,
    before `index_from` is added)."""
    return _sequences.word_index(
        path, f"{ORIGIN}imdb_word_index.json", _INDEX_MD5
    )
