"""IntegerLookup: integers to vocabulary indices (or encodings), in numpy."""

from typing import Any

from ember.core.arguments import parent_arguments
from ember.layers.preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integers to indices in a vocabulary (or indices back to them).

    The vocabulary is given (`vocabulary`, `set_vocabulary`) or learned
    with `adapt`, which keeps the most frequent values (ties: the greater
    value first). With `output_mode="int"` the mask token (if set) is
    index 0, the OOV indices follow, then the vocabulary; the other modes
    encode each sample over the vocabulary and drop masked inputs. The
    layer computes in numpy on the host.

    Args:
        max_tokens: the vocabulary's maximum size, mask and OOV indices
            included; None for no limit.
        num_oov_indices: how many indices out-of-vocabulary values share;
            0 makes OOV inputs an error.
        mask_token: the value that stands for masked inputs, or None.
        oov_token: the value an OOV index maps back to (`invert=True`).
        vocabulary: a list, tuple or 1D array of integers, or the path of
            a text file with one integer per line.
        vocabulary_dtype: `"int64"`, the only one supported (as in Keras).
        idf_weights: with `output_mode="tf_idf"` and a given vocabulary,
            one inverse document frequency per vocabulary term.
        invert: map indices to values instead (`output_mode="int"` only).
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"`, `"count"` or
            `"tf_idf"`, as for `StringLookup`.
        sparse: must be False (ember returns dense arrays).
        pad_to_max_tokens: make the encodings `max_tokens` wide.
        oov_method: how OOV values choose among several OOV indices:
            `"floormod"` (`value % num_oov_indices`) or `"farmhash"`
            (FarmHash64 of the value's decimal text, as TensorFlow).
        salt: with `oov_method="farmhash"`, hash with SipHash keyed by
            this integer or pair of integers instead.

    Input shape:
        Any; integers.

    Output shape:
        The input's shape for `"int"`; `(..., vocabulary size)` otherwise.

    Example:

    >>> layer = ember.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
    >>> layer(np.array([[12, 1138, 42], [42, 1000, 36]])).tolist()
    [[1, 3, 4], [4, 0, 2]]
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: int | None = None,
        oov_token: int = -1,
        vocabulary: Any = None,
        vocabulary_dtype: str = "int64",
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        oov_method: str = "floormod",
        salt: Any = None,
        name: str | None = None,
        **kwargs,
    ):
        if vocabulary_dtype != "int64":
            raise ValueError(
                "IntegerLookup supports only vocabulary_dtype='int64'. "
                f"Received: vocabulary_dtype={vocabulary_dtype!r}"
            )
        super().__init__(
            **parent_arguments(
                IndexLookup,
                locals(),
                mask_token=None if mask_token is None else int(mask_token),
                oov_token=None if oov_token is None else int(oov_token),
            )
        )
