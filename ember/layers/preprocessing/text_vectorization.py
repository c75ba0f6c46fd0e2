"""TextVectorization: text to token indices or encodings, in numpy."""

import itertools
import re
import string
from collections.abc import Callable
from typing import Any

import numpy as np

from ember.core import config as ember_config
from ember.core import registry
from ember.core.symbolic import SymbolicTensor
from ember.layers.preprocessing.host_layer import HostLayer
from ember.layers.preprocessing.host_layer import host_array
from ember.layers.preprocessing.index_lookup import is_batch_iterable
from ember.layers.preprocessing.index_lookup import output_mode_name
from ember.layers.preprocessing.index_lookup import text_array
from ember.layers.preprocessing.string_lookup import StringLookup

_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")
# TensorFlow's `strings.lower` (no encoding) lowers ASCII letters only, and
# Keras' punctuation pattern is exactly `string.punctuation`.
_TABLES = {
    "lower": str.maketrans(string.ascii_uppercase, string.ascii_lowercase),
    "strip_punctuation": str.maketrans("", "", string.punctuation),
    "lower_and_strip_punctuation": str.maketrans(
        string.ascii_uppercase, string.ascii_lowercase, string.punctuation
    ),
}
# TensorFlow's `strings.split` splits on ASCII whitespace only; Python's
# `str.split` also on these, so texts holding one take the slower path.
_TOKEN = re.compile(r"[^ \t\n\v\f\r]+")
_OTHER_SPACE = re.compile(
    "[\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
# Joins a batch's texts so that one `translate` call standardizes them all.
_SEPARATOR = "\x00"


def _check_choice(name: str, value: Any, allowed: tuple) -> None:
    if value is None or callable(value) or value in allowed:
        return
    raise ValueError(
        f"TextVectorization: `{name}` must be None, a callable or one of "
        f"{allowed}. Received: {name}={value!r}"
    )


def _ngram_widths(ngrams: Any) -> tuple | None:
    if ngrams is None:
        return None
    if isinstance(ngrams, int) and not isinstance(ngrams, bool):
        return tuple(range(1, ngrams + 1))
    if isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams):
        return ngrams
    raise ValueError(
        "TextVectorization: `ngrams` must be None, an integer, or a tuple "
        f"of integers. Received: ngrams={ngrams!r}"
    )


def _translate(texts: list[str], table: dict) -> list[str]:
    """`text.translate(table)` for each text, in one call where possible."""
    joined = _SEPARATOR.join(texts)
    if not texts or joined.count(_SEPARATOR) != len(texts) - 1:
        return [t.translate(table) for t in texts]
    return joined.translate(table).split(_SEPARATOR)


def _split_whitespace(texts: list[str]) -> list[list[str]]:
    """Each text's tokens between runs of ASCII whitespace."""
    if _OTHER_SPACE.search(_SEPARATOR.join(texts)):
        return [_TOKEN.findall(t) for t in texts]
    return [t.split() for t in texts]


def _with_ngrams(tokens: list, widths: tuple) -> list:
    """The n-grams of `tokens` for each width, width by width (as
    TensorFlow's `strings.ngrams` with separator " ")."""
    out: list = []
    for width in widths:
        if width == 1:
            out.extend(tokens)
        else:
            out.extend(
                " ".join(tokens[i : i + width])
                for i in range(len(tokens) - width + 1)
            )
    return out


class TextVectorization(HostLayer):
    """Turns text into sequences of token indices or into encodings.

    Each string is standardized (lowercased, punctuation stripped), split
    into tokens (on whitespace), optionally combined into n-grams, and
    looked up in a vocabulary, given or learned with `adapt` (the most
    frequent tokens, ties: the greater token first). Index 0 is padding
    (the empty string) and 1 the OOV token `"[UNK]"` in `"int"` mode. The
    layer computes in numpy on the host, without TensorFlow: a model whose
    first layer it is trains with `fit` on an array of strings.

    Args:
        max_tokens: the vocabulary's maximum size, padding and OOV
            included; None for no limit.
        standardize: `"lower_and_strip_punctuation"`, `"lower"`,
            `"strip_punctuation"`, None, or a callable taking and returning
            a numpy string array. Lowercasing follows TensorFlow's: ASCII
            letters only.
        split: `"whitespace"`, `"character"`, None (each string is one
            token), or a callable taking a 1D numpy string array and
            returning one token list per string.
        ngrams: None, an integer n (all n-grams up to n) or a tuple of
            n-gram widths.
        output_mode: `"int"` (token indices), `"multi_hot"`, `"count"` or
            `"tf_idf"` (one vector over the vocabulary per string).
        output_sequence_length: with `"int"`, pad or cut every sequence to
            this length (else to the batch's longest).
        pad_to_max_tokens: make the encodings `max_tokens` wide.
        vocabulary: a list of tokens or the path of a file with one token
            per line.
        idf_weights: with `"tf_idf"` and a given vocabulary, one inverse
            document frequency per token.
        sparse: must be False (ember returns dense arrays).
        ragged: must be False (sequences are padded).
        encoding: the text encoding of bytes inputs (default UTF-8).

    Input shape:
        `(batch,)` or `(batch, 1)` strings.

    Output shape:
        `(batch, output_sequence_length)` for `"int"`; `(batch, vocabulary
        size)` otherwise.

    Example:

    >>> layer = ember.layers.TextVectorization(output_sequence_length=4)
    >>> layer.adapt(["foo bar", "bar baz", "baz bada boom"])
    >>> layer([["foo qux bar"], ["qux baz"]]).tolist()
    [[4, 1, 3, 0], [1, 2, 0, 0]]
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        standardize: str | Callable | None = "lower_and_strip_punctuation",
        split: str | Callable | None = "whitespace",
        ngrams: int | tuple | None = None,
        output_mode: str = "int",
        output_sequence_length: int | None = None,
        pad_to_max_tokens: bool = False,
        vocabulary: Any = None,
        idf_weights: Any = None,
        sparse: bool = False,
        ragged: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        **kwargs,
    ):
        _check_choice("standardize", standardize, _STANDARDIZE)
        _check_choice("split", split, _SPLIT)
        output_mode = output_mode_name(output_mode)
        widths = _ngram_widths(ngrams)
        if output_mode == "one_hot":
            raise ValueError(
                "TextVectorization: `output_mode` must be one of 'int', "
                "'multi_hot', 'count' or 'tf_idf'. Received: "
                "output_mode='one_hot'"
            )
        if output_mode == "int" and not (
            output_sequence_length is None
            or isinstance(output_sequence_length, int)
        ):
            raise ValueError(
                "TextVectorization: `output_sequence_length` must be None or "
                "an integer when output_mode is 'int'. Received: "
                f"output_sequence_length={output_sequence_length!r}"
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                "TextVectorization: `output_sequence_length` is only used "
                f"with output_mode='int'. Received: output_mode="
                f"{output_mode!r} and output_sequence_length="
                f"{output_sequence_length}"
            )
        if ragged:
            raise ValueError(
                "TextVectorization: ragged=True needs TensorFlow's ragged "
                "tensors; ember pads sequences. Received: ragged=True"
            )
        has_input_vocabulary = kwargs.pop(
            "has_input_vocabulary", vocabulary is not None
        )
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = widths
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            sparse=sparse,
            has_input_vocabulary=has_input_vocabulary,
            encoding=encoding,
            vocabulary_size=vocabulary_size,
        )

    # -- the vocabulary ----------------------------------------------------
    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary, index by index.

        Args:
            include_special_tokens: include the padding and OOV tokens, so
                that a token's position is its index in the output.

        Returns:
            A list of strings.
        """
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        """The vocabulary's size, padding and OOV indices included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Sets the vocabulary (and the IDF weights for `"tf_idf"`).

        Args:
            vocabulary: a list, tuple or 1D array of tokens, or the path of
                a text file with one token per line.
            idf_weights: for `"tf_idf"`, one weight per token.
        """
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- text to tokens ----------------------------------------------------
    def _describe(self) -> str:
        return f'TextVectorization "{self.name}"'

    def _texts(self, inputs: Any, what: str = "inputs") -> np.ndarray:
        array = text_array(inputs, self._encoding)
        if array.dtype.kind != "U":
            flat = array.reshape(-1)
            shown = flat[:10].tolist()
            more = f" ... ({flat.size} in all)" if flat.size > 10 else ""
            raise ValueError(
                f"{self._describe()} expects strings as {what}, but received "
                f"{array.dtype} values {shown}{more}."
            )
        return array

    def _custom_standardized(self, texts: np.ndarray) -> np.ndarray:
        if not callable(self._standardize):
            return texts
        result = host_array(self._standardize(texts))
        if result.dtype.kind != "U":
            raise ValueError(
                f"{self._describe()}: the `standardize` callable must "
                f"return strings; it returned {result.dtype} values."
            )
        return result

    def _check_split_shape(self, shape: tuple) -> None:
        if self._split is not None and len(shape) > 1 and shape[-1] != 1:
            raise ValueError(
                f"{self._describe()}: to split strings, the input must be "
                "1D or have a last dimension of 1. Received: input shape "
                f"{tuple(shape)}"
            )

    def _rows(self, texts: np.ndarray) -> np.ndarray:
        """The strings to split, one per row (1D)."""
        self._check_split_shape(texts.shape)
        if texts.ndim > 1:
            texts = texts.reshape(texts.shape[:-1])
        return texts.reshape(-1)

    def _tokens(self, inputs: Any, what: str = "inputs") -> list[list]:
        """Each row's tokens (n-grams included), as lists of strings."""
        texts = self._custom_standardized(self._texts(inputs, what))
        if self._split is None:
            texts = texts.reshape(-1, 1) if texts.ndim <= 1 else texts
            texts = texts.reshape(len(texts), -1)
        else:
            texts = self._rows(texts)
        flat = texts.reshape(-1).tolist()
        if isinstance(self._standardize, str):
            flat = _translate(flat, _TABLES[self._standardize])
        if self._split is None:
            width = texts.shape[1]
            rows = [flat[i : i + width] for i in range(0, len(flat), width)]
        elif self._split == "whitespace":
            rows = _split_whitespace(flat)
        elif self._split == "character":
            rows = [list(t) for t in flat]
        else:
            rows = [list(r) for r in self._split(np.array(flat, dtype=str))]
            if len(rows) != len(flat):
                raise ValueError(
                    f"{self._describe()}: the `split` callable returned "
                    f"{len(rows)} token lists for {len(flat)} strings."
                )
        if self._ngrams is not None:
            rows = [_with_ngrams(row, self._ngrams) for row in rows]
        return rows

    # -- call --------------------------------------------------------------
    def host_call(self, inputs: Any, **kwargs) -> np.ndarray:
        """Checks the inputs and the vocabulary, then runs the layer (the
        checks come before the layer builds or changes in any way)."""
        if not self._lookup_layer._has_vocabulary:
            raise ValueError(
                f"{self._describe()} has no vocabulary yet: call `adapt()` "
                "on some text, or pass `vocabulary=`, before calling it. "
                f"Received inputs {_preview(inputs)}."
            )
        self._texts(inputs)
        return super().host_call(inputs, **kwargs)

    def call(self, inputs: Any) -> np.ndarray:
        """Vectorizes the strings (numpy in, numpy out)."""
        lookup = self._lookup_layer
        rows = self._tokens(inputs)
        lengths = np.fromiter((len(r) for r in rows), "int64", len(rows))
        tokens = np.array(list(itertools.chain.from_iterable(rows)), dtype=str)
        indices = lookup._lookup(tokens)
        if self._output_mode == "int":
            width = self._output_sequence_length
            if width is None:
                width = int(lengths.max()) if len(lengths) else 0
            return _pad(indices, lengths, width, fill=0)
        width = int(lengths.max()) if len(lengths) else 0
        return lookup._encode(_pad(indices, lengths, width, fill=-1))

    def build(self, input_shape: Any = None) -> None:
        """Nothing to create: the vocabulary is set or adapted."""
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> tuple:
        """The output shape for string inputs of shape `input_shape`."""
        input_shape = tuple(input_shape)
        batch = input_shape[0] if input_shape else None
        if self._output_mode == "int":
            return (batch, self._output_sequence_length)
        return (batch, self._lookup_layer._depth())

    def compute_output_spec(self, inputs: Any, **kwargs) -> SymbolicTensor:
        """The symbolic output for a symbolic string input."""
        if str(inputs.dtype) != "string":
            raise ValueError(
                f"{self._describe()} expects strings, but its input has "
                f"dtype {inputs.dtype} (shape {inputs.shape})."
            )
        self._check_split_shape(inputs.shape)
        dtype = "int64" if self._output_mode == "int" else ember_config.floatx()
        return SymbolicTensor(self.compute_output_shape(inputs.shape), dtype)

    # -- adapt -------------------------------------------------------------
    def adapt(
        self, data: Any, batch_size: int | None = None, steps: int | None = None
    ) -> None:
        """Learns the vocabulary (and document frequencies) from text.

        Args:
            data: a list or array of strings (each one a document), or an
                iterable of such batches (a generator).
            batch_size: unused (Keras' argument).
            steps: how many batches of an iterable to read (all if None).
        """
        del batch_size
        self._check_adaptable()
        if not is_batch_iterable(data):
            # Every string is checked before any count changes.
            data = [self._texts(data, "adapt data")]
        self.reset_state()
        for i, batch in enumerate(data):
            if steps is not None and i >= steps:
                break
            self.update_state(batch)
        self.finalize_state()

    def _check_adaptable(self) -> None:
        if self._lookup_layer._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt {self._describe()}: it was given a fixed "
                "vocabulary with the `vocabulary` argument."
            )

    def update_state(self, data: Any) -> None:
        """Counts the tokens of one batch of strings."""
        self._check_adaptable()
        if isinstance(data, tuple) and data and not isinstance(data[0], str):
            data = data[0]  # an `(x, y)` batch
        self._lookup_layer.count_documents(self._tokens(data, "adapt data"))

    def finalize_state(self) -> None:
        """Turns the counts into the vocabulary."""
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        """Forgets what `update_state` counted."""
        self._lookup_layer.reset_state()

    # -- saving ------------------------------------------------------------
    def get_config(self) -> dict:
        """The layer's arguments, as Keras writes them."""
        lookup = self._lookup_layer
        config = {
            "max_tokens": lookup.max_tokens,
            "standardize": self._standardize,
            "split": self._split,
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": lookup.sparse,
            "ragged": self._ragged,
            "vocabulary": lookup.input_vocabulary,
            "idf_weights": lookup.input_idf_weights,
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config: dict, safe_mode: bool | None = None):
        """Rebuilds the layer (callables through the registry); a
        vocabulary file named in a config is refused in safe mode."""
        config = dict(config)
        for key in ("standardize", "split"):
            if isinstance(config.get(key), dict):
                config[key] = registry.deserialize_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        if safe_mode and isinstance(config.get("vocabulary"), str):
            raise ValueError(
                "TextVectorization: the config names a vocabulary file "
                f"({config['vocabulary']!r}) outside the model archive; "
                "reading it is refused in safe mode. If you trust the file, "
                "load with `safe_mode=False`."
            )
        return cls(**config)

    def save_own_variables(self, store: dict) -> None:
        """Writes the IDF weights (`"tf_idf"`), as Keras."""
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store: dict) -> None:
        """Reads the IDF weights."""
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path: str) -> None:
        """Writes the vocabulary to `dir_path/vocabulary.txt`."""
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path: str | None) -> None:
        """Reads the vocabulary `save_assets` wrote."""
        self._lookup_layer.load_assets(dir_path)


def _pad(values: np.ndarray, lengths: np.ndarray, width: int, fill: int):
    """Rows of `lengths[i]` consecutive `values`, cut or padded to
    `width` with `fill`."""
    out = np.full((len(lengths), width), fill, dtype="int64")
    if not len(values) or not width:
        return out
    row = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.cumsum(lengths) - lengths
    column = np.arange(len(values)) - np.repeat(starts, lengths)
    keep = column < width
    out[row[keep], column[keep]] = values[keep]
    return out


def _preview(inputs: Any) -> str:
    flat = np.asarray(inputs, dtype=object).reshape(-1)
    shown = flat[:3].tolist()
    return f"{shown}{' ...' if flat.size > 3 else ''}"
