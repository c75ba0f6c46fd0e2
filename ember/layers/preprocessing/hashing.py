"""Hashing: strings or integers hashed into a fixed number of bins."""

from typing import Any

import numpy as np

from ember.core import checks
from ember.core import config as ember_config
from ember.core.symbolic import SymbolicTensor
from ember.layers.preprocessing import _string_hash
from ember.layers.preprocessing._categorical import encode_categorical
from ember.layers.preprocessing._categorical import encoded_shape
from ember.layers.preprocessing.host_layer import HostLayer

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Hashing(HostLayer):
    """Hashes strings or integers into `num_bins` bins.

    Each value is hashed as TensorFlow's `to_hash_bucket_fast` does
    (FarmHash64 of its UTF-8 bytes), or, with a `salt`, as
    `to_hash_bucket_strong` (SipHash-2-4 keyed by the salt); integers are
    hashed as their decimal text, floats as the integer they truncate to.
    The same value lands in the same bin on every platform, and in Keras'
    bin. The layer computes in numpy on the host (no TensorFlow): a model
    runs it on each batch before its compiled step.

    Args:
        num_bins: the number of bins, the mask's bin included when
            `mask_value` is set.
        mask_value: a value mapped to bin 0; the others then hash into bins
            `1 .. num_bins - 1`. None for no mask.
        salt: an integer, or a pair of integers (an integer `s` is the pair
            `[s, s]`), to hash with SipHash keyed by it instead of
            FarmHash64. None for FarmHash64.
        output_mode: `"int"` (the bins), `"one_hot"` (each value encoded;
            a trailing axis of size 1 is replaced by the encoding),
            `"multi_hot"` or `"count"` (each sample, the last axis, encoded
            into one vector of size `num_bins`).
        sparse: must be False (ember returns dense arrays).
        **kwargs: base layer arguments (`name`, `dtype`: `"int64"` by
            default in `"int"` mode, else the float type).

    Input shape:
        Any; strings, integers or floats.

    Output shape:
        The input's shape for `"int"`; `(..., num_bins)` otherwise.

    Example:

    >>> layer = ember.layers.Hashing(num_bins=3)
    >>> layer([["A"], ["B"], ["C"], ["D"], ["E"]]).tolist()
    [[1], [0], [1], [1], [2]]
    >>> layer = ember.layers.Hashing(num_bins=3, mask_value="")
    >>> layer([["A"], ["B"], [""], ["C"], ["D"]]).tolist()
    [[1], [1], [0], [2], [2]]
    >>> layer = ember.layers.Hashing(num_bins=3, salt=133)
    >>> layer([["A"], ["B"], ["C"], ["D"], ["E"]]).tolist()
    [[0], [0], [2], [1], [0]]
    """

    def __init__(
        self,
        num_bins: int,
        mask_value: Any = None,
        salt: Any = None,
        output_mode: str = "int",
        sparse: bool = False,
        **kwargs,
    ):
        _check_arguments(num_bins, output_mode, sparse)
        salt = _salt_pair(salt)
        if kwargs.get("dtype") is None:
            int_mode = output_mode == "int"
            kwargs["dtype"] = "int64" if int_mode else ember_config.floatx()
        super().__init__(**kwargs)
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(
                f'Hashing "{self.name}": with output_mode="int" the dtype '
                "must be 'int32' or 'int64'. Received: "
                f"dtype={self.dtype!r}"
            )
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.salt = salt
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = sparse

    def build(self, input_shape: Any = None) -> None:
        """Nothing to create: hashing has no state."""
        self.built = True

    def call(self, inputs: np.ndarray) -> np.ndarray:
        """Hashes the inputs (numpy in, numpy out)."""
        bins = self._hash_to_bins(inputs)
        if self.output_mode == "int":
            return bins.astype(self.dtype)
        return encode_categorical(
            bins, self.output_mode, self.num_bins, self.dtype
        )

    def _hash_to_bins(self, values: np.ndarray) -> np.ndarray:
        keys = self._hash_keys(values)
        bins = self.num_bins
        mask = None
        # As Keras: the mask takes bin 0 unless it would be the only bin.
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = self._mask(values)
        # Each distinct value is hashed once, in Python.
        unique, inverse = np.unique(keys, return_inverse=True)
        hashed = _string_hash.hash_buckets(_texts(unique), bins, self.salt)
        hashed = hashed[inverse.reshape(-1)].reshape(values.shape)
        if mask is None:
            return hashed
        return np.where(mask, 0, hashed + 1)

    def _hash_keys(self, values: np.ndarray) -> np.ndarray:
        """The values to hash: strings, integers (floats truncated, as
        Keras casts them to int64) or booleans."""
        kind = values.dtype.kind
        if kind == "f":
            return values.astype("int64")
        if kind in "Uiub":
            return values
        raise ValueError(
            f"{self._describe()} hashes strings or numbers, but received "
            f"{values.dtype} values {values.reshape(-1)[:10].tolist()}."
        )

    def _mask(self, values: np.ndarray) -> np.ndarray:
        is_text = values.dtype.kind == "U"
        if is_text != isinstance(self.mask_value, str):
            raise ValueError(
                f"{self._describe()}: mask_value={self.mask_value!r} cannot "
                f"be compared with inputs of dtype {values.dtype}; give a "
                "mask value of the inputs' kind (a string for strings)."
            )
        return values == self.mask_value

    def _describe(self) -> str:
        return f'Hashing "{self.name}"'

    def compute_output_spec(self, inputs: Any, **kwargs) -> SymbolicTensor:
        """The symbolic output for a symbolic input."""
        dtype = str(inputs.dtype)
        if dtype != "string" and not any(k in dtype for k in _NUMERIC):
            raise ValueError(
                f"{self._describe()} hashes strings or numbers, but its "
                f"input has dtype {dtype} (shape {inputs.shape})."
            )
        shape = self.compute_output_shape(inputs.shape)
        return SymbolicTensor(shape, self.dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        """The output shape for inputs of shape `input_shape`."""
        if self.output_mode == "int":
            return tuple(input_shape)
        return encoded_shape(input_shape, self.output_mode, self.num_bins)

    def get_config(self) -> dict:
        """The layer's arguments, as Keras writes them."""
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }


_NUMERIC = ("int", "float", "bool")


def _check_arguments(num_bins: Any, output_mode: Any, sparse: Any) -> None:
    checks.check_int("Hashing", "num_bins", num_bins, minimum=1)
    checks.check_choice("Hashing", "output_mode", output_mode, OUTPUT_MODES)
    if sparse:
        raise ValueError(
            "Hashing: sparse=True needs TensorFlow's sparse tensors; "
            "ember's Hashing returns dense arrays. Received: sparse=True"
        )


def _salt_pair(salt: Any) -> list | None:
    if salt is None:
        return None
    if isinstance(salt, list | tuple) and len(salt) == 2:
        if all(_is_int(s) for s in salt):
            return [int(salt[0]), int(salt[1])]
    elif _is_int(salt):
        return [int(salt), int(salt)]
    raise ValueError(
        "Hashing: `salt` must be an integer or a pair of integers. "
        f"Received: salt={salt!r}"
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _texts(keys: np.ndarray) -> list[str]:
    """The text each key is hashed as, as TensorFlow's `as_string`."""
    if keys.dtype.kind == "b":
        return ["true" if k else "false" for k in keys.tolist()]
    return [str(k) for k in keys.tolist()]
