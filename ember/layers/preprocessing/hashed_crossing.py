"""HashedCrossing: features crossed with the hashing trick."""

from typing import Any

import numpy as np

from ember.core import checks
from ember.core.dtypes import standardize_dtype
from ember.core.symbolic import SymbolicTensor
from ember.layers.preprocessing import _string_hash
from ember.layers.preprocessing._categorical import encode_categorical
from ember.layers.preprocessing._categorical import encoded_shape
from ember.layers.preprocessing.host_layer import HostLayer
from ember.layers.preprocessing.host_layer import host_array

OUTPUT_MODES = ("int", "one_hot")
# `tf.sparse.cross_hashed`'s default key, the hash a cross starts from.
_HASH_KEY = 0xDECAFCAFFE


class HashedCrossing(HostLayer):
    """Crosses categorical features with the hashing trick.

    Called on a tuple or list of features (strings or integers, all of
    one shape), the layer hashes each row's combination of values into one
    of `num_bins` bins, as `tf.sparse.cross_hashed` does: starting from a
    fixed key, each feature's fingerprint (FarmHash64 of a string's UTF-8
    bytes, an integer's own 64 bits) is folded in with FarmHash's
    `FingerprintCat64`, and the result is taken modulo `num_bins`. The
    bins equal Keras'. The layer computes in numpy on the host.

    Args:
        num_bins: the number of bins.
        output_mode: `"int"` (the bins) or `"one_hot"` (each bin encoded as
            a vector of size `num_bins`).
        sparse: must be False (ember returns dense arrays).
        name: the layer's name.
        dtype: the output dtype (`"int64"` by default in `"int"` mode).
        **kwargs: other base layer arguments.

    Input shape:
        A tuple or list of at least two features of one shape: `()`,
        `(batch_size,)` or `(batch_size, 1)`.

    Output shape:
        The features' shape for `"int"`; `(batch_size, num_bins)` for
        `"one_hot"`.

    Example:

    >>> layer = ember.layers.HashedCrossing(num_bins=5)
    >>> feat1 = np.array(["A", "B", "A", "B", "A"])
    >>> feat2 = np.array([101, 101, 101, 102, 102])
    >>> layer((feat1, feat2)).tolist()
    [1, 4, 1, 1, 3]
    """

    def __init__(
        self,
        num_bins: int,
        output_mode: str = "int",
        sparse: bool = False,
        name: str | None = None,
        dtype: Any = None,
        **kwargs,
    ):
        _check_arguments(num_bins, output_mode, sparse)
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = sparse

    def build(self, input_shape: Any = None) -> None:
        """Nothing to create: crossing has no state."""
        self.built = True

    def host_inputs(self, inputs: Any) -> Any:
        """Each feature as a numpy array (see `host_array`)."""
        if isinstance(inputs, list | tuple):
            return tuple(host_array(x) for x in inputs)
        return host_array(inputs)

    def call(self, inputs: tuple) -> np.ndarray:
        """Crosses the features (numpy in, numpy out)."""
        self._check_features(inputs)
        crossed = np.full(inputs[0].shape, _HASH_KEY, dtype=np.uint64)
        for feature in inputs:
            crossed = _string_hash.fingerprint_cat64(
                crossed, _fingerprints(feature)
            )
        bins = (crossed % np.uint64(self.num_bins)).astype("int64")
        if self.output_mode == "int":
            return bins.astype(self.dtype)
        return encode_categorical(
            bins, self.output_mode, self.num_bins, self.compute_dtype
        ).astype(self.dtype)

    def _describe(self) -> str:
        return f'HashedCrossing "{self.name}"'

    def _check_features(self, inputs: Any) -> None:
        """Raises a ValueError naming the layer and the features' shapes
        unless `inputs` are two or more features that can be crossed."""
        where = self._describe()
        if not isinstance(inputs, list | tuple):
            raise ValueError(
                f"{where} must be called on a list or tuple of features. "
                f"Received: a single input of shape {np.shape(inputs)}"
            )
        shapes = [tuple(x.shape) for x in inputs]
        if len(inputs) < 2:
            raise ValueError(
                f"{where} must be called on at least two features. "
                f"Received {len(inputs)}, of shapes {shapes}"
            )
        first = shapes[0]
        if len(first) > 2 or (len(first) == 2 and first[-1] != 1):
            raise ValueError(
                f"{where}: each feature must have shape (), (batch_size,) "
                f"or (batch_size, 1). Received shapes {shapes}"
            )
        if any(shape != first for shape in shapes[1:]):
            raise ValueError(
                f"{where}: all features must have the same shape. "
                f"Received shapes {shapes}"
            )
        dtypes = [standardize_dtype(x.dtype) for x in inputs]
        if not all(_crossable(dtype) for dtype in dtypes):
            raise ValueError(
                f"{where}: features must be strings or integers. Received "
                f"dtypes {dtypes} (shapes {shapes})"
            )

    def compute_output_spec(self, inputs: Any, **kwargs) -> SymbolicTensor:
        """The symbolic output for symbolic features."""
        self._check_features(inputs)
        shape = self.compute_output_shape([x.shape for x in inputs])
        return SymbolicTensor(shape, self.dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        """The output shape for features of shapes `input_shape`."""
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        return encoded_shape(first, self.output_mode, self.num_bins)

    def get_config(self) -> dict:
        """The layer's arguments, as Keras writes them."""
        return {
            "num_bins": self.num_bins,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }


def _check_arguments(num_bins: Any, output_mode: Any, sparse: Any) -> None:
    checks.check_int("HashedCrossing", "num_bins", num_bins, minimum=1)
    checks.check_choice(
        "HashedCrossing", "output_mode", output_mode, OUTPUT_MODES
    )
    if sparse:
        raise ValueError(
            "HashedCrossing: sparse=True needs TensorFlow's sparse tensors; "
            "ember's HashedCrossing returns dense arrays. Received: "
            "sparse=True"
        )


def _crossable(dtype: str) -> bool:
    return dtype == "string" or dtype.startswith(("int", "uint"))


def _fingerprints(feature: np.ndarray) -> np.ndarray:
    """Each value's 64 bits for the cross: FarmHash64 of a string, an
    integer's two's complement (as `tf.sparse.cross_hashed`)."""
    if feature.dtype.kind == "U":
        return _string_hash.fingerprints(feature)
    return feature.astype("int64").view(np.uint64)
