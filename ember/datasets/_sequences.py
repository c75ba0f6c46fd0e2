"""Word-index processing shared by `imdb` and `reuters`, as Keras does it.

Sequences are lists of word indices (1 = most frequent word). Keras
shifts them by `index_from`, prepends `start_char`, drops sequences of
`maxlen` words or more, and replaces (or drops, when `oov_char` is None)
the indices outside `[skip_top, num_words)`.
"""

import json

import numpy as np

from ember.utils.file_utils import get_file


def shuffled(rng: np.random.RandomState, *arrays):
    """Returns the arrays reordered by one permutation drawn from `rng`."""
    order = np.arange(len(arrays[0]))
    rng.shuffle(order)
    return [array[order] for array in arrays]


def offset(sequences, start_char, index_from) -> list:
    """Shifts every index by `index_from`, prepending `start_char`."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in sequences]
    if index_from:
        return [[w + index_from for w in x] for x in sequences]
    return [list(x) for x in sequences]


def remove_long(maxlen, sequences, labels):
    """Keeps the sequences shorter than `maxlen` (and their labels)."""
    kept = [(x, y) for x, y in zip(sequences, labels, strict=True)]
    kept = [(x, y) for x, y in kept if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def limit_words(sequences, num_words, skip_top, oov_char) -> list:
    """Replaces (or drops) indices outside `[skip_top, num_words)`.

    As in Keras, `num_words=None` means the largest index present, which
    itself then falls outside the range.
    """
    if not num_words:
        num_words = max(max(x) for x in sequences if x)
    if oov_char is not None:
        return [
            [w if skip_top <= w < num_words else oov_char for w in x]
            for x in sequences
        ]
    return [[w for w in x if skip_top <= w < num_words] for x in sequences]


def object_array(sequences) -> np.ndarray:
    """A 1-D object array of the lists (whatever their lengths)."""
    array = np.empty(len(sequences), dtype=object)
    for i, sequence in enumerate(sequences):
        array[i] = sequence
    return array


def word_index(path: str, origin: str, md5: str) -> dict:
    """Downloads (once) and reads a word index JSON file."""
    path = get_file(fname=path, origin=origin, file_hash=md5)
    with open(path) as f:
        return json.load(f)
