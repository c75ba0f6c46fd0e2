"""Embedding: maps integer indices to dense vectors."""

import warnings
from typing import Any

import jax.numpy as jnp

from ember.layers import _weights
from ember.layers.core._unsupported import reject_unsupported
from ember.layers.layer import Layer


def _check_positive(value: Any, name: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"Argument `{name}` of Embedding must be a positive integer. "
            f"Received: {name}={value!r}"
        )


class Embedding(Layer):
    """Turns non-negative integer indices into dense vectors of fixed size.

    Row `i` of the `embeddings` matrix is the vector of index `i`. Float
    inputs are cast to int32; indices outside `[0, input_dim)` give NaN
    rows, as `jnp.take` does.

    Args:
        input_dim: the vocabulary size, i.e. largest index + 1.
        output_dim: the size of each vector.
        embeddings_initializer: initializer for the `embeddings` matrix.
        embeddings_regularizer: optional penalty on the matrix.
        embeddings_constraint: optional projection applied to the matrix.
        mask_zero: whether index 0 is padding to be masked; then
            `compute_mask` returns `inputs != 0` and index 0 should not be
            used for real data (so `input_dim` counts it).
        weights: an optional initial matrix `(input_dim, output_dim)`, or a
            list holding it; the layer is then built at once.
        lora_rank: LoRA is not supported yet; must be None.
        lora_alpha: unused while `lora_rank` is None.
        quantization_config: quantization is not supported yet; None.

    Input shape:
        `(batch_size, ...)` of integer indices.

    Output shape:
        `(batch_size, ..., output_dim)`.

    Example:

    >>> layer = ember.layers.Embedding(1000, 64)
    >>> layer(np.zeros((32, 10), "int32")).shape
    (32, 10, 64)
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        weights: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        quantization_config: Any = None,
        **kwargs,
    ):
        reject_unsupported(
            "Embedding",
            lora_rank=lora_rank,
            quantization_config=quantization_config,
        )
        _check_positive(input_dim, "input_dim")
        _check_positive(output_dim, "output_dim")
        if kwargs.pop("input_length", None) is not None:
            warnings.warn(
                "Argument `input_length` is deprecated. Just remove it.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        _weights.store_weight_args(
            self,
            embeddings=(
                embeddings_initializer,
                embeddings_regularizer,
                embeddings_constraint,
            ),
        )
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        # Indices are not floats to cast; float inputs are cast to int32.
        self.autocast = False
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape: Any = None) -> None:
        """Creates `embeddings` of shape `(input_dim, output_dim)`."""
        if self.built:
            return
        self.embeddings = _weights.add_weight(
            self, "embeddings", "embeddings", (self.input_dim, self.output_dim)
        )
        self.built = True

    def call(self, inputs):
        if inputs.dtype not in (jnp.int32, jnp.int64):
            inputs = inputs.astype("int32")
        outputs = jnp.take(self.embeddings.value, inputs, axis=0)
        return outputs.astype(self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        """`inputs != 0` with `mask_zero`, else None."""
        if not self.mask_zero:
            return None
        return jnp.not_equal(jnp.asarray(inputs), 0)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """`(*input_shape, output_dim)`."""
        return (*input_shape, self.output_dim)

    def get_config(self) -> dict:
        """Returns the constructor arguments, serialized."""
        config = super().get_config()
        config.update(
            {
                "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                **_weights.weight_args_config(self, ("embeddings",), True),
                "mask_zero": self.mask_zero,
                "quantization_config": None,
            }
        )
        return config
