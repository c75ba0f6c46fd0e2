"""IndexLookup: a vocabulary table, the base of StringLookup and
IntegerLookup (and, through StringLookup, TextVectorization).

Indices follow Keras: with `output_mode="int"` the mask token (if any)
is index 0, then `num_oov_indices` OOV indices, then the vocabulary; in
the other modes there is no mask index and masked inputs are dropped.
`adapt` orders the vocabulary by descending count, ties broken by
descending token (Keras sorts `(count, token)` pairs and reverses them).
"""

import collections
import itertools
import os
from collections.abc import Iterable
from typing import Any

import numpy as np

from ember.core import config as ember_config
from ember.core.symbolic import SymbolicTensor
from ember.layers.preprocessing import _string_hash
from ember.layers.preprocessing._categorical import encode_categorical
from ember.layers.preprocessing.host_layer import HostLayer
from ember.layers.preprocessing.host_layer import host_array

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
VOCABULARY_FILE = "vocabulary.txt"


def output_mode_name(output_mode: str) -> str:
    """Keras' deprecated output mode names mapped to the current ones."""
    return {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(
        output_mode, output_mode
    )


def is_batch_iterable(data: Any) -> bool:
    """Whether `adapt` reads `data` batch by batch (a generator, a
    dataset) rather than as one array."""
    return (
        hasattr(data, "__iter__")
        and not isinstance(data, list | tuple | np.ndarray | str | bytes)
        and not hasattr(data, "__array__")
    )


def text_array(values: Any, encoding: str = "utf-8") -> np.ndarray:
    """`values` as numpy, bytes decoded with `encoding` (see
    `host_array`)."""
    array = np.asarray(values)
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        return host_array(array)
    if array.dtype.kind == "S":
        return np.char.decode(array, encoding)
    if array.dtype.kind == "O":
        flat = [
            v.decode(encoding) if isinstance(v, bytes) else v
            for v in array.ravel()
        ]
        if all(isinstance(v, str) for v in flat):
            return np.array(flat, dtype=str).reshape(array.shape)
    return host_array(array)


def read_vocabulary_file(path: str) -> list[str]:
    """The lines of a vocabulary file, trailing empty lines dropped."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    while lines and lines[-1] == "":
        lines.pop()
    return lines


class _Counts:
    """What `adapt` accumulates: token counts, document counts, documents.

    Held in one object (not dicts on the layer) so that the layer's
    attribute walks never visit the tokens.
    """

    def __init__(self):
        self.tokens: collections.Counter = collections.Counter()
        self.documents: collections.Counter = collections.Counter()
        self.num_documents = 0


class IndexLookup(HostLayer):
    """Maps values from a vocabulary to integer indices (or back).

    The shared base of `StringLookup` and `IntegerLookup`; see those for
    the arguments, which follow Keras'.
    """

    def __init__(
        self,
        max_tokens: int | None,
        num_oov_indices: int,
        mask_token: Any,
        oov_token: Any,
        vocabulary_dtype: str,
        vocabulary: Any = None,
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
        where = type(self).__name__
        output_mode = output_mode_name(output_mode)
        self._check_arguments(
            where,
            max_tokens,
            num_oov_indices,
            output_mode,
            invert,
            sparse,
            pad_to_max_tokens,
            idf_weights,
            oov_method,
        )
        frozen_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop(
            "has_input_vocabulary", vocabulary is not None
        )
        kwargs.pop("dtype", None)
        kwargs.pop("trainable", None)
        super().__init__(name=name, **kwargs)
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = _salt(where, salt, oov_method, vocabulary_dtype)
        # As Keras: a vocabulary given as a list is written in the config;
        # one read from a file is written as an asset instead.
        self.input_vocabulary = (
            None if isinstance(vocabulary, str) else _plain(vocabulary)
        )
        self.input_idf_weights = _plain(idf_weights)
        self._has_input_vocabulary = has_input_vocabulary
        self._frozen_vocab_size = frozen_size
        self._tokens = self._empty_tokens()
        self._set_table(self._tokens)
        self.idf_weights = None
        self._counts = None
        # Whether a vocabulary was set or adapted (it may still be empty).
        self._has_vocabulary = False
        if output_mode == "tf_idf" and has_input_vocabulary:
            if idf_weights is None:
                raise ValueError(
                    f"{where}: when `vocabulary` is given with "
                    "output_mode='tf_idf', `idf_weights` must be given "
                    "too. Received: idf_weights=None"
                )
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # -- arguments ---------------------------------------------------------
    @staticmethod
    def _check_arguments(
        where,
        max_tokens,
        num_oov_indices,
        output_mode,
        invert,
        sparse,
        pad_to_max_tokens,
        idf_weights,
        oov_method,
    ) -> None:
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                f"{where}: if set, `max_tokens` must be greater than 1. "
                f"Received: max_tokens={max_tokens}"
            )
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(
                f"{where}: pad_to_max_tokens=True needs `max_tokens`. "
                f"Received: max_tokens={max_tokens}"
            )
        if not isinstance(num_oov_indices, int) or num_oov_indices < 0:
            raise ValueError(
                f"{where}: `num_oov_indices` must be an integer >= 0. "
                f"Received: num_oov_indices={num_oov_indices}"
            )
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"{where}: `output_mode` must be one of {OUTPUT_MODES}. "
                f"Received: output_mode={output_mode!r}"
            )
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(
                f"{where}: `oov_method` must be 'floormod' or 'farmhash'. "
                f"Received: oov_method={oov_method!r}"
            )
        if invert and output_mode != "int":
            raise ValueError(
                f"{where}: `output_mode` must be 'int' when `invert` is "
                f"true. Received: output_mode={output_mode!r}"
            )
        if sparse:
            raise ValueError(
                f"{where}: sparse=True needs TensorFlow's sparse tensors; "
                "ember's lookup layers return dense arrays. Received: "
                "sparse=True"
            )
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                f"{where}: `idf_weights` is only used with "
                f"output_mode='tf_idf'. Received: output_mode="
                f"{output_mode!r} and idf_weights={idf_weights}"
            )

    # -- the vocabulary ----------------------------------------------------
    def _oov_start_index(self) -> int:
        masked = self.mask_token is not None and self.output_mode == "int"
        return 1 if masked else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def _special_tokens(self) -> list:
        """The mask and OOV tokens, at the front of the vocabulary."""
        mask = [self.mask_token] * self._oov_start_index()
        return mask + [self.oov_token] * self.num_oov_indices

    def _describe(self) -> str:
        return f'{type(self).__name__} "{self.name}"'

    def _empty_tokens(self) -> np.ndarray:
        return np.array([], dtype=self._numpy_dtype())

    def _numpy_dtype(self) -> str:
        return "str" if self.vocabulary_dtype == "string" else "int64"

    def _set_table(self, tokens: np.ndarray) -> None:
        order = np.argsort(tokens, kind="stable")
        self._tokens = tokens
        self._sorted_tokens = tokens[order]
        self._token_order = order

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary, index by index.

        Args:
            include_special_tokens: include the mask and OOV tokens, so
                that a term's position is its index in the layer's output.

        Returns:
            A list of tokens (strings, or ints for `IntegerLookup`).
        """
        special = self._special_tokens()
        tokens = self._tokens.tolist()
        return special + tokens if include_special_tokens else tokens

    def vocabulary_size(self) -> int:
        """The vocabulary's size, mask and OOV indices included."""
        return self._token_start_index() + len(self._tokens)

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Sets the vocabulary (and the IDF weights for `"tf_idf"`).

        Args:
            vocabulary: a list, tuple or 1D array of terms, or the path of
                a text file with one term per line. It may start with the
                layer's mask and OOV tokens in their places.
            idf_weights: for `output_mode="tf_idf"`, one weight per term of
                `vocabulary`; OOV indices not given get their mean.
        """
        where = self._describe()
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(
                f"{where}: `idf_weights` must be set when output_mode is "
                "'tf_idf'."
            )
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(
                f"{where}: `idf_weights` is only used with output_mode="
                f"'tf_idf'. Received: output_mode={self.output_mode!r} and "
                f"idf_weights={idf_weights}"
            )
        if isinstance(vocabulary, str | os.PathLike):
            vocabulary = self._vocabulary_from_file(os.fspath(vocabulary))
        vocabulary = self._as_tokens(vocabulary, "vocabulary")
        if vocabulary.ndim != 1 or vocabulary.size == 0:
            raise ValueError(
                f"{where}: the vocabulary must be a non-empty 1D list of "
                f"terms. Received: vocabulary={vocabulary.tolist()}"
            )
        tokens, found_special = self._strip_special_tokens(vocabulary)
        self._check_tokens(tokens, vocabulary)
        new_size = self._token_start_index() + len(tokens)
        self._check_size_unchanged(new_size)
        weights = None
        if self.output_mode == "tf_idf":
            weights = self._padded_idf_weights(
                idf_weights, len(vocabulary), found_special
            )
        self._set_table(tokens)
        self.idf_weights = weights
        self._frozen_vocab_size = self.vocabulary_size()
        self._has_vocabulary = True

    def _vocabulary_from_file(self, path: str) -> list:
        if not os.path.exists(path):
            raise ValueError(
                f"{self._describe()}: vocabulary file {path} does not exist."
            )
        if self.output_mode == "tf_idf":
            raise ValueError(
                f"{self._describe()}: output_mode='tf_idf' does not support "
                "loading a vocabulary from a file."
            )
        lines = read_vocabulary_file(path)
        if self.vocabulary_dtype == "string":
            return lines
        return [int(line) for line in lines]

    def _strip_special_tokens(self, vocabulary: np.ndarray) -> tuple:
        start = self._token_start_index()
        special = self._special_tokens()
        head = vocabulary[:start].tolist()
        found = len(head) == len(special) and head == special
        return (vocabulary[start:] if found else vocabulary), found

    def _check_tokens(self, tokens: np.ndarray, vocabulary: np.ndarray) -> None:
        where = self._describe()
        values, counts = np.unique(tokens, return_counts=True)
        if np.any(counts > 1):
            raise ValueError(
                f"{where}: the vocabulary repeats terms "
                f"{values[counts > 1].tolist()}; each term must appear once."
            )
        special = self._special_tokens()
        listed = set(tokens.tolist())
        for role, token in (("mask", self.mask_token), ("OOV", self.oov_token)):
            if token is None or token not in listed:
                continue
            if role == "OOV" and not self.invert:
                continue
            index = int(np.flatnonzero(vocabulary == token)[-1])
            raise ValueError(
                f"{where}: the {role} token {token!r} is at vocabulary index "
                f"{index}. The vocabulary need not hold the mask and OOV "
                "tokens; if it does, they must come first, in this order: "
                f"{special}."
            )
        size = self._token_start_index() + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(
                f"{where}: the vocabulary has {size} entries (special tokens "
                f"included), more than max_tokens={self.max_tokens}."
            )

    def _check_size_unchanged(self, new_size: int) -> None:
        if self.output_mode == "int" or self.pad_to_max_tokens:
            return
        if self._frozen_vocab_size is not None and (
            new_size != self._frozen_vocab_size
        ):
            raise RuntimeError(
                f"{self._describe()}: with output_mode={self.output_mode!r} "
                "and pad_to_max_tokens=False, the vocabulary size fixes the "
                "output's size and cannot change once set. Old size "
                f"{self._frozen_vocab_size}, new size {new_size}."
            )

    def _padded_idf_weights(
        self, idf_weights: Any, length: int, found_special: bool
    ) -> np.ndarray:
        where = self._describe()
        weights = np.asarray(idf_weights, dtype="float64")
        if weights.ndim != 1:
            raise ValueError(
                f"{where}: `idf_weights` must be 1D. Received shape "
                f"{weights.shape}"
            )
        if len(weights) != length:
            raise ValueError(
                f"{where}: `idf_weights` must have one weight per "
                f"vocabulary term: {len(weights)} weights for {length} "
                "terms."
            )
        front = 0 if found_special else self._token_start_index()
        back = 0
        if self.pad_to_max_tokens and self.max_tokens is not None:
            back = self.max_tokens - front - len(weights)
        fill = 0.0 if found_special else float(np.average(weights))
        padded = np.concatenate(
            [np.full(front, fill), weights, np.zeros(max(back, 0))]
        )
        return padded.astype(ember_config.floatx())

    # -- inputs ------------------------------------------------------------
    def _as_tokens(self, values: Any, what: str = "inputs") -> np.ndarray:
        """`values` as a numpy array of the vocabulary's dtype, or a
        ValueError naming the layer and the values."""
        array = text_array(values, getattr(self, "encoding", "utf-8"))
        if array.size == 0 and array.dtype.kind == "f":
            return array.astype(self._numpy_dtype())
        if self.vocabulary_dtype == "string":
            if array.dtype.kind != "U":
                raise ValueError(
                    f"{self._describe()} expects strings as {what}, but "
                    f"received {array.dtype} values {_preview(array)}."
                )
            return array
        if array.dtype.kind not in "iu":
            raise ValueError(
                f"{self._describe()} expects integers as {what}, but "
                f"received {array.dtype} values {_preview(array)}."
            )
        return array.astype("int64")

    def _as_indices(self, values: Any) -> np.ndarray:
        array = host_array(values)
        if array.dtype.kind not in "iu":
            raise ValueError(
                f"{self._describe()} (invert=True) expects integer indices, "
                f"but received {array.dtype} values {_preview(array)}."
            )
        return array.astype("int64")

    # -- lookup ------------------------------------------------------------
    def _lookup(self, keys: np.ndarray) -> np.ndarray:
        """Indices of `keys` (any shape): OOV handled, masked keys are 0
        (`"int"` mode) or -1 (dropped by the encodings)."""
        flat = keys.reshape(-1)
        indices = np.full(flat.shape, -1, dtype="int64")
        if len(self._tokens):
            position = np.searchsorted(self._sorted_tokens, flat)
            position = np.minimum(position, len(self._tokens) - 1)
            found = self._sorted_tokens[position] == flat
            indices = np.where(
                found,
                self._token_order[position] + self._token_start_index(),
                -1,
            )
        masked = None
        if self.mask_token is not None:
            masked = flat == self.mask_token
        oov = indices < 0
        if masked is not None:
            oov &= ~masked
        if np.any(oov):
            indices[oov] = self._oov_indices(flat[oov])
        if masked is not None:
            indices[masked] = 0 if self.output_mode == "int" else -1
        return indices.reshape(keys.shape)

    def _oov_indices(self, values: np.ndarray) -> np.ndarray:
        start = self._oov_start_index()
        if self.num_oov_indices == 0:
            raise ValueError(
                f"{self._describe()}: with num_oov_indices=0 all inputs "
                "must be in the vocabulary, but found OOV values "
                f"{_preview(np.unique(values))}; consider setting "
                "num_oov_indices=1."
            )
        if self.num_oov_indices == 1:
            return np.full(values.shape, start, dtype="int64")
        if self.vocabulary_dtype != "string" and self.oov_method != "farmhash":
            return np.mod(values, self.num_oov_indices) + start
        unique, inverse = np.unique(values, return_inverse=True)
        texts = [str(v) for v in unique.tolist()]
        buckets = _string_hash.hash_buckets(
            texts, self.num_oov_indices, self.salt
        )
        return buckets[inverse.reshape(-1)] + start

    def _invert(self, indices: np.ndarray) -> np.ndarray:
        table = np.array(self.get_vocabulary(), dtype=self._numpy_dtype())
        if len(table) == 0:
            return np.full(indices.shape, self.oov_token)
        inside = (indices >= 0) & (indices < len(table))
        safe = np.where(inside, indices, 0)
        return np.where(inside, table[safe], self.oov_token).astype(table.dtype)

    def _depth(self) -> int | None:
        if self.pad_to_max_tokens:
            return self.max_tokens
        return self._frozen_vocab_size

    def _encode(self, indices: np.ndarray) -> np.ndarray:
        """The `one_hot` / `multi_hot` / `count` / `tf_idf` encoding of
        looked-up indices (-1 entries are dropped)."""
        depth = self._depth()
        if depth is None:
            raise RuntimeError(
                f"{self._describe()}: with output_mode={self.output_mode!r} "
                "and pad_to_max_tokens=False, set the vocabulary (the "
                "`vocabulary` argument, `set_vocabulary` or `adapt`) before "
                "calling the layer."
            )
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        counts = encode_categorical(indices, mode, depth, ember_config.floatx())
        if self.output_mode == "tf_idf":
            return counts * self._idf_for_call(depth)
        return counts

    def _idf_for_call(self, depth: int) -> np.ndarray:
        if self.idf_weights is None:
            raise ValueError(
                f"{self._describe()}: output_mode='tf_idf' needs IDF "
                "weights: `adapt` the layer or pass `idf_weights`."
            )
        weights = self.idf_weights[:depth]
        if len(weights) < depth:
            weights = np.pad(weights, (0, depth - len(weights)))
        return weights

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The layer's output for validated keys (numpy in, numpy out)."""
        if self.invert:
            return self._invert(keys)
        indices = self._lookup(keys)
        if self.output_mode == "int":
            return indices
        return self._encode(indices)

    def call(self, inputs: Any) -> np.ndarray:
        """Looks the inputs up (numpy in, numpy out)."""
        if self.invert:
            return self.lookup(self._as_indices(inputs))
        return self.lookup(self._as_tokens(inputs))

    def build(self, input_shape: Any = None) -> None:
        """Nothing to create: the vocabulary is set or adapted."""
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> tuple:
        """The output shape for inputs of shape `input_shape`."""
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self._depth()
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return (*input_shape[:-1], depth)
            return (*input_shape, depth)
        return (*input_shape[:-1], depth)

    def compute_output_spec(self, inputs: Any, **kwargs) -> SymbolicTensor:
        """The symbolic output for a symbolic input."""
        expected = "int" if self.invert else self.vocabulary_dtype
        self._check_symbolic_dtype(inputs, expected)
        if self.output_mode != "int":
            dtype = ember_config.floatx()
        elif self.invert:
            dtype = self.vocabulary_dtype
        else:
            dtype = "int64"
        return SymbolicTensor(self.compute_output_shape(inputs.shape), dtype)

    def _check_symbolic_dtype(self, inputs: Any, expected: str) -> None:
        dtype = str(inputs.dtype)
        is_text = dtype == "string"
        if (expected == "string") != is_text or (
            not is_text and "int" not in dtype
        ):
            kind = "strings" if expected == "string" else "integers"
            raise ValueError(
                f"{self._describe()} expects {kind}, but its input has dtype "
                f"{dtype} (shape {inputs.shape})."
            )

    # -- adapt -------------------------------------------------------------
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learns the vocabulary (and document frequencies) from `data`.

        The vocabulary is every term seen, most frequent first (ties:
        the greater term first), cut to `max_tokens` entries.

        Args:
            data: a list or array of terms (each element of a 1D array is
                one document), or an iterable of such batches (a
                generator; each 1D batch is then one document).
            steps: how many batches of an iterable to read (all if None).
        """
        self.reset_state()
        if is_batch_iterable(data):
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        else:
            array = self._as_tokens(data, "adapt data")
            if array.ndim == 1:
                array = array[:, None]
            self.update_state(array)
        self.finalize_state()

    def reset_state(self) -> None:
        """Forgets what `update_state` counted."""
        if not self._has_input_vocabulary:
            self._counts = _Counts()

    def update_state(self, data: Any) -> None:
        """Counts the terms of one batch (rows are documents)."""
        if self._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt {self._describe()}: it was given a fixed "
                "vocabulary with the `vocabulary` argument."
            )
        if isinstance(data, tuple) and data and not isinstance(data[0], str):
            data = data[0]  # an `(x, y)` batch
        array = self._as_tokens(data, "adapt data")
        if array.ndim <= 1:
            array = array.reshape(1, -1)
        documents = [row.reshape(-1).tolist() for row in array]
        self.count_documents(documents)

    def count_documents(self, documents: Iterable[list]) -> None:
        """Adds documents (lists of terms) to the counts."""
        if self._counts is None:
            self._counts = _Counts()
        documents = list(documents)
        self._counts.tokens.update(itertools.chain.from_iterable(documents))
        if self.output_mode == "tf_idf":
            self._counts.documents.update(
                itertools.chain.from_iterable(set(d) for d in documents)
            )
            self._counts.num_documents += len(documents)

    def finalize_state(self) -> None:
        """Turns the counts into the vocabulary (and IDF weights)."""
        counts = self._counts
        if self._has_input_vocabulary or counts is None or not counts.tokens:
            if self._frozen_vocab_size is None:
                self._frozen_vocab_size = self.vocabulary_size()
            self._has_vocabulary = True
            return
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.tokens.pop(special, None)
        tokens = np.array(list(counts.tokens), dtype=self._numpy_dtype())
        frequencies = np.fromiter(
            counts.tokens.values(), dtype="int64", count=len(tokens)
        )
        order = np.lexsort((tokens, frequencies))[::-1]
        if self.max_tokens:
            order = order[: self.max_tokens - self._token_start_index()]
        tokens = tokens[order]
        self._check_size_unchanged(self._token_start_index() + len(tokens))
        if self.output_mode == "tf_idf":
            self.idf_weights = self._adapted_idf_weights(tokens, counts)
        self._set_table(tokens)
        self._frozen_vocab_size = self.vocabulary_size()
        self._has_vocabulary = True
        self._counts = None

    def _adapted_idf_weights(self, tokens, counts) -> np.ndarray:
        document_counts = np.array(
            [counts.documents[t] for t in tokens.tolist()], dtype="float64"
        )
        floatx = ember_config.floatx()
        weights = np.log(
            1.0 + counts.num_documents / (1.0 + document_counts)
        ).astype(floatx)
        mean = weights.mean(dtype=floatx) if len(weights) else 0.0
        front = np.full(self._token_start_index(), mean, dtype=floatx)
        weights = np.concatenate([front, weights])
        if self.pad_to_max_tokens and self.max_tokens is not None:
            weights = np.pad(weights, (0, self.max_tokens - len(weights)))
        return weights.astype(floatx)

    # -- saving ------------------------------------------------------------
    def get_config(self) -> dict:
        """The layer's arguments, as Keras writes them."""
        config = {
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": self.input_idf_weights,
            "vocabulary": self.input_vocabulary,
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config: dict, safe_mode: bool | None = None):
        """Rebuilds the layer; a vocabulary file named in a config is
        refused while loading in safe mode (it would read any file)."""
        if safe_mode and isinstance(config.get("vocabulary"), str):
            raise ValueError(
                f"{cls.__name__}: the config names a vocabulary file "
                f"({config['vocabulary']!r}) outside the model archive; "
                "reading it is refused in safe mode. If you trust the file, "
                "load with `safe_mode=False`."
            )
        return cls(**config)

    def save_own_variables(self, store: dict) -> None:
        """Writes the IDF weights (`"tf_idf"` mode), under Keras' key."""
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            store["idf_weights"] = np.asarray(self.idf_weights)

    def load_own_variables(self, store: dict) -> None:
        """Reads the IDF weights `save_own_variables` wrote."""
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self.idf_weights = np.asarray(
                store["idf_weights"], dtype=ember_config.floatx()
            )

    def save_assets(self, dir_path: str) -> None:
        """Writes the vocabulary to `dir_path/vocabulary.txt`, one term a
        line, unless the config already holds it (as Keras)."""
        if self.input_vocabulary is not None:
            return
        text = "\n".join(str(t) for t in self.get_vocabulary())
        path = os.path.join(dir_path, VOCABULARY_FILE)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def load_assets(self, dir_path: str | None) -> None:
        """Reads the vocabulary `save_assets` wrote."""
        if self.input_vocabulary is not None:
            return
        path = os.path.join(dir_path or "", VOCABULARY_FILE)
        if dir_path is None or not os.path.isfile(path):
            raise ValueError(
                f"{self._describe()}: the archive has no vocabulary for "
                f"this layer (expected {VOCABULARY_FILE} in its assets)."
            )
        lines = read_vocabulary_file(path)
        if self.vocabulary_dtype != "string":
            try:
                lines = [int(line) for line in lines]
            except ValueError as error:
                raise ValueError(
                    f"{self._describe()}: its vocabulary asset holds a "
                    f"line that is not an integer ({error})."
                ) from None
        weights = None
        if self.output_mode == "tf_idf":
            if self.idf_weights is None:
                raise ValueError(
                    f"{self._describe()}: the archive has a vocabulary but "
                    "no IDF weights for this layer."
                )
            weights = self.idf_weights[: len(lines)]
        self.set_vocabulary(lines, idf_weights=weights)


def _plain(value: Any) -> Any:
    """Arrays as lists, for the config."""
    if value is None:
        return None
    if isinstance(value, np.ndarray) or hasattr(value, "__array__"):
        return np.asarray(value).tolist()
    if isinstance(value, tuple):
        return list(value)
    return value


def _preview(array: np.ndarray, limit: int = 10) -> str:
    flat = np.asarray(array).reshape(-1)
    shown = flat[:limit].tolist()
    more = f" ... ({flat.size} in all)" if flat.size > limit else ""
    return f"{shown}{more}"


def _salt(where: str, salt: Any, oov_method: str, dtype: str) -> Any:
    if salt is None:
        return None
    if dtype != "string" and oov_method != "farmhash":
        raise ValueError(
            f"{where}: `salt` is only used with oov_method='farmhash'. "
            f"Received: oov_method={oov_method!r}"
        )
    if isinstance(salt, list | tuple) and len(salt) == 2:
        return [int(salt[0]), int(salt[1])]
    if isinstance(salt, int) and not isinstance(salt, bool):
        return [salt, salt]
    raise ValueError(
        f"{where}: `salt` must be an integer or a pair of integers. "
        f"Received: salt={salt}"
    )
