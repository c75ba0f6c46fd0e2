"""StringLookup: strings to vocabulary indices (or encodings), in numpy."""

from typing import Any

from ember.core.arguments import parent_arguments
from ember.layers.preprocessing.index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps strings to indices in a vocabulary (or indices back to strings).

    The vocabulary is given (`vocabulary`, `set_vocabulary`) or learned
    with `adapt`, which keeps the most frequent strings (ties: the greater
    string first). With `output_mode="int"` the mask token (if set) is
    index 0, the OOV indices follow, then the vocabulary; the other modes
    encode each sample over the vocabulary and drop masked inputs. The
    layer computes in numpy on the host (no TensorFlow): a model runs it
    on each batch before its compiled step.

    Args:
        max_tokens: the vocabulary's maximum size, mask and OOV indices
            included; None for no limit.
        num_oov_indices: how many indices out-of-vocabulary strings share
            (hashed into them with FarmHash64, as TensorFlow does, when
            more than one); 0 makes OOV inputs an error.
        mask_token: the string that stands for masked inputs, or None.
        oov_token: the string an OOV index maps back to (`invert=True`).
        vocabulary: a list, tuple or 1D array of strings, or the path of a
            text file with one string per line.
        idf_weights: with `output_mode="tf_idf"` and a given vocabulary,
            one inverse document frequency per vocabulary term.
        invert: map indices to strings instead (`output_mode="int"` only).
        output_mode: `"int"` (indices), `"one_hot"` (each input encoded),
            `"multi_hot"`, `"count"` or `"tf_idf"` (each sample, the last
            axis, encoded into one vector over the vocabulary).
        pad_to_max_tokens: make the encodings `max_tokens` wide.
        sparse: must be False (ember returns dense arrays).
        encoding: the text encoding of bytes inputs (default UTF-8).
        salt: with more than one OOV index, hash OOV strings with SipHash
            keyed by this integer or pair of integers instead.

    Input shape:
        Any; strings (or integer indices with `invert=True`).

    Output shape:
        The input's shape for `"int"`; `(..., vocabulary size)` otherwise.

    Example:

    >>> layer = ember.layers.StringLookup(vocabulary=["a", "b", "c", "d"])
    >>> layer([["a", "c", "d"], ["d", "z", "b"]]).tolist()
    [[1, 3, 4], [4, 0, 2]]
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: str | None = None,
        oov_token: str = "[UNK]",
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        pad_to_max_tokens: bool = False,
        sparse: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        salt: Any = None,
        **kwargs,
    ):
        kwargs.pop("vocabulary_dtype", None)
        self.encoding = encoding
        super().__init__(
            **parent_arguments(
                IndexLookup,
                locals(),
                vocabulary_dtype="string",
                oov_method="floormod",
            )
        )

    def get_config(self) -> dict:
        """The layer's arguments, as Keras writes them."""
        config = super().get_config()
        # Strings have one vocabulary dtype, which Keras does not write.
        del config["vocabulary_dtype"]
        return {**config, "encoding": self.encoding}
