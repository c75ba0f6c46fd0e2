"""CategoryEncoding: integer ids as one-hot, multi-hot or count vectors."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.layers.layer import Layer
from ember.layers.preprocessing import _categorical_jax


class CategoryEncoding(Layer):
    """Encodes integer ids in `[0, num_tokens)` as vectors of `num_tokens`.

    Use it when the number of categories is known; for arbitrary integer
    values, map them to ids with `IntegerLookup` first. The layer computes
    in jax, so it runs inside compiled models. Called on concrete values,
    an id outside `[0, num_tokens)` raises a `ValueError`; inside a
    compiled function (where values are unknown) it encodes to zeros, as
    in Keras.

    Args:
        num_tokens: the number of categories: every id must be in
            `[0, num_tokens)`.
        output_mode: `"one_hot"`: each id becomes a vector with a 1 at the
            id (a last axis of size 1 is replaced, any other kept and a
            new axis added); `"multi_hot"` (default): each sample (a row
            of ids) becomes one vector with a 1 at each id present;
            `"count"`: like `"multi_hot"`, with how many times each id
            appears (or the sum of its `count_weights`).
        sparse: must be False: ember has no sparse tensors.

    Call arguments:
        inputs: an integer array, of rank 1 or 2 (one id per sample, or
            a row of ids per sample).
        count_weights: in `"count"` mode only, an array of the shape of
            `inputs` giving each id's weight.

    Input shape:
        `(batch,)` or `(batch, ids)`.

    Output shape:
        `(batch, num_tokens)` (`"one_hot"` of `(batch, ids)` with
        `ids > 1`: `(batch, ids, num_tokens)`).

    Example:

    >>> layer = ember.layers.CategoryEncoding(num_tokens=4)
    >>> layer(np.array([[0, 1], [3, 3]]))
    Array([[1., 1., 0., 0.],
           [0., 0., 0., 1.]], dtype=float32)
    """

    def __init__(
        self,
        num_tokens: int | None = None,
        output_mode: str = "multi_hot",
        sparse: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        where = f'CategoryEncoding "{self.name}"'
        if output_mode == "binary":  # Keras' deprecated name
            output_mode = "multi_hot"
        if output_mode not in _categorical_jax.ENCODINGS:
            raise ValueError(
                f"{where}: `output_mode` must be one of "
                f"{list(_categorical_jax.ENCODINGS)}. Received: "
                f"output_mode={output_mode!r}"
            )
        if num_tokens is None:
            raise ValueError(
                f"{where}: `num_tokens` must be set. If the number of "
                "categories is not known, use IntegerLookup instead."
            )
        if (
            isinstance(num_tokens, bool)
            or not isinstance(num_tokens, int | np.integer)
            or num_tokens < 1
        ):
            raise ValueError(
                f"{where}: `num_tokens` must be an integer >= 1. "
                f"Received: num_tokens={num_tokens!r}"
            )
        if sparse:
            raise ValueError(
                f"{where}: ember has no sparse tensors; the output is a "
                "dense array. Received: sparse=True"
            )
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = False
        # Ids are used as given, as in Keras: no cast of float ids.
        self.autocast = False
        self.built = True

    def call(self, inputs, count_weights=None):
        where = f'CategoryEncoding "{self.name}"'
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    f"{where}: `count_weights` is only used when "
                    "output_mode='count'. Received: output_mode="
                    f"{self.output_mode!r}"
                )
            count_weights = jnp.asarray(count_weights, self.compute_dtype)
            if count_weights.shape != jnp.shape(inputs):
                raise ValueError(
                    f"{where}: `count_weights` must have the shape of the "
                    f"inputs, {jnp.shape(inputs)}. Received: "
                    f"count_weights of shape {count_weights.shape}"
                )
        if not isinstance(inputs, jax.core.Tracer):
            self._check_ids(inputs)
        return _categorical_jax.encode(
            inputs,
            self.output_mode,
            self.num_tokens,
            self.dtype,
            count_weights=count_weights,
        )

    def _check_ids(self, inputs: Any) -> None:
        """Raises a ValueError on an id outside `[0, num_tokens)`."""
        ids = np.asarray(inputs)
        outside = (ids < 0) | (ids >= self.num_tokens)
        if np.any(outside):
            value = ids[outside].ravel()[0].item()
            raise ValueError(
                f'CategoryEncoding "{self.name}": every input must be in '
                f"[0, num_tokens) with num_tokens={self.num_tokens}. "
                f"Received the value {value}."
            )

    def get_config(self) -> dict:
        """Returns the base config plus `num_tokens` and `output_mode`."""
        config = super().get_config()
        config.update(
            {"num_tokens": self.num_tokens, "output_mode": self.output_mode}
        )
        return config
