"""MultiHeadAttention: attention of several heads over learned projections."""

import math
from typing import Any

from ember.core import naming
from ember.core.arguments import parent_arguments
from ember.layers.attention import _checks
from ember.layers.attention._equations import partial_output_shape
from ember.layers.attention._equations import projection_equation
from ember.layers.attention._multi_head_base import MultiHeadBase
from ember.layers.core.einsum_dense import EinsumDense


class MultiHeadAttention(MultiHeadBase):
    """Multi-head attention, as in "Attention is all you need" (2017).

    `query`, `key` and `value` are projected to `num_heads` heads (the
    `query`, `key` and `value` EinsumDense sublayers); each query position
    attends to the key positions with `softmax(q k^T / sqrt(key_dim))`;
    the heads' results are projected back (`attention_output`) to the
    query's last dimension, or to `output_shape`. With `query is value`
    this is self-attention.

    Without dropout, attention scores or extra attention axes, the
    attention runs as one fused `ops.dot_product_attention` (cuDNN's kernel
    on GPUs), exactly where Keras uses it, so the numbers are Keras'.

    Args:
        num_heads: the number of heads.
        key_dim: the size of each head of the query and the key.
        value_dim: the size of each head of the value; None means
            `key_dim`.
        dropout: the dropout rate of the attention probabilities.
        use_bias: whether the projections have biases.
        output_shape: the output's shape without batch and query axes (an
            int or a tuple); None means the query's last dimension.
        attention_axes: the axes attention runs over (of the inputs,
            neither the batch nor the last axis); None means all of those.
        sliding_window: if set, query `t` only sees keys `s` with
            `|s - t| < sliding_window` (with `use_causal_mask`, the causal
            sliding window of Mistral-style models).
        flash_attention: True requires the fused cuDNN kernel, False never
            uses it, None uses it where it applies (see
            `ops.dot_product_attention`) unless
            `ember.config.disable_flash_attention()` was called.
        kernel_initializer: initializer of the projections' kernels.
        bias_initializer: initializer of the projections' biases.
        kernel_regularizer: optional penalty on the kernels.
        bias_regularizer: optional penalty on the biases.
        activity_regularizer: optional penalty on the projections' outputs.
        kernel_constraint: optional projection of the kernels.
        bias_constraint: optional projection of the biases.
        use_gate: whether the output is gated by a sigmoid projection of
            the query (the `gate` sublayer), as in Gated Attention (2025).
        seed: an int seeding the dropout.

    Call arguments:
        query: `(B, T, dim)` (or `(B, ..., dim)` with `attention_axes`).
        value: `(B, S, dim)`.
        key: optional `(B, S, dim)`; None means `value`.
        query_mask: `(B, T)`, filled from the query's mask in a model.
        value_mask: `(B, S)`, filled from the value's mask in a model.
        key_mask: `(B, S)`, filled from the key's mask in a model.
        attention_mask: optional boolean `(B, T, S)`: which query positions
            may attend to which key positions (broadcast over heads, and
            over the batch when it has no batch axis).
        return_attention_scores: also return the attention probabilities
            `(B, num_heads, T, S)`.
        training: whether dropout is applied.
        use_causal_mask: whether query `t` only sees keys `s <= t`.

    Input shape:
        `query` `(B, T, dim_q)`, `value` `(B, S, dim_v)`, `key`
        `(B, S, dim_k)`.

    Output shape:
        `(B, T, dim_q)`, or `(B, T, *output_shape)`; with
        `return_attention_scores`, also `(B, num_heads, T, S)`.

    Example:

    >>> layer = ember.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    >>> query = np.ones((1, 3, 8), "float32")
    >>> value = np.ones((1, 5, 6), "float32")
    >>> output, scores = layer(query, value, return_attention_scores=True)
    >>> output.shape, scores.shape
    ((1, 3, 8), (1, 2, 3, 5))
    """

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: Any = None,
        attention_axes: Any = None,
        sliding_window: int | None = None,
        flash_attention: bool | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        use_gate: bool = False,
        seed: int | None = None,
        **kwargs,
    ):
        cls = type(self).__name__
        _checks.check_positive_int(cls, "num_heads", num_heads)
        _checks.check_positive_int(cls, "key_dim", key_dim)
        if value_dim is not None:
            _checks.check_positive_int(cls, "value_dim", value_dim)
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            try:
                output_shape = tuple(output_shape)
            except TypeError:
                raise ValueError(
                    f"{cls}: `output_shape` must be an int, a tuple or a "
                    f"list. Received: output_shape={output_shape!r}"
                ) from None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(
            attention_axes, list | tuple
        ):
            raise ValueError(
                f"{cls}: `attention_axes` must be an int, a list or a tuple. "
                f"Received: attention_axes={attention_axes!r}"
            )
        super().__init__(**parent_arguments(MultiHeadBase, locals()))
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._output_shape = output_shape
        self._attention_axes = attention_axes
        self._scale = 1.0 / math.sqrt(float(key_dim))
        self._num_repeats = 1

    # -- Keras' read-only attributes ----------------------------------------
    @property
    def num_heads(self) -> int:
        """The number of heads."""
        return self._num_heads

    @property
    def key_dim(self) -> int:
        """The size of each query and key head."""
        return self._key_dim

    @property
    def value_dim(self) -> int:
        """The size of each value head."""
        return self._value_dim

    @property
    def attention_axes(self) -> Any:
        """The attention axes (normalized to a tuple once built)."""
        return self._attention_axes

    @property
    def query_dense(self) -> EinsumDense:
        """The query projection."""
        return self._query_dense

    @property
    def key_dense(self) -> EinsumDense:
        """The key projection."""
        return self._key_dense

    @property
    def value_dense(self) -> EinsumDense:
        """The value projection."""
        return self._value_dense

    @property
    def output_dense(self) -> EinsumDense:
        """The output projection."""
        return self._output_dense

    # -- building ------------------------------------------------------------
    def build(self, query_shape, value_shape, key_shape=None) -> None:
        """Creates the projections for inputs of these shapes."""
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        rank = len(query_shape)
        self._attention_axes = self._normalized_axes(rank)
        with naming.name_scope(self.name):
            self._query_dense = self._projection_to_heads(
                "query", query_shape, self._key_dim
            )
            self._key_dense = self._projection_to_heads(
                "key", key_shape, self._key_dim
            )
            if self._use_gate:
                self._gate_dense = self._projection_to_heads(
                    "gate", query_shape, self._value_dim, "sigmoid"
                )
            self._value_dense = self._projection_to_heads(
                "value", value_shape, self._value_dim
            )
            self._build_attention(rank + 1)
            self._output_dense = self._make_output_dense(query_shape)
        self.built = True

    def _check_shapes(self, query_shape, value_shape, key_shape) -> None:
        where = self._where()
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"{where}: all dimensions of `value` and `key`, except the "
                f"last one, must be equal. Received: value_shape="
                f"{value_shape}, key_shape={key_shape}"
            )
        if len(query_shape) < 3 or len(query_shape) != len(value_shape):
            raise ValueError(
                f"{where}: `query` and `value` must have the same rank, at "
                f"least 3 (batch, positions..., features). Received: "
                f"query_shape={query_shape}, value_shape={value_shape}"
            )
        batch = (query_shape[0], value_shape[0])
        if None not in batch and batch[0] != batch[1]:
            raise ValueError(
                f"{where}: `query` and `value` must have the same batch size. "
                f"Received: query_shape={query_shape}, value_shape="
                f"{value_shape}"
            )

    def _normalized_axes(self, rank: int) -> tuple[int, ...]:
        """The attention axes as non-negative axes of the inputs."""
        if self._attention_axes is None:
            return tuple(range(1, rank - 1))
        axes = tuple(a if a >= 0 else rank + a for a in self._attention_axes)
        if len(set(axes)) != len(axes) or not all(
            1 <= a <= rank - 2 for a in axes
        ):
            raise ValueError(
                f"{self._where()}: `attention_axes` must be distinct axes of "
                f"the inputs other than the batch (0) and feature "
                f"({rank - 1}) axes. Received: attention_axes="
                f"{self._attention_axes} for inputs of rank {rank}"
            )
        return axes

    def _projection_to_heads(
        self, name, input_shape, head_size, activation=None
    ):
        equation, bias_axes, output_rank = projection_equation(
            len(input_shape) - 1, bound_dims=1, output_dims=2
        )
        return self._projection(
            equation,
            partial_output_shape(output_rank - 1, [self._num_heads, head_size]),
            bias_axes,
            name,
            input_shape,
            activation=activation,
        )

    def _make_output_dense(self, query_shape: tuple) -> EinsumDense:
        output_shape = self._output_shape or [query_shape[-1]]
        equation, bias_axes, output_rank = projection_equation(
            len(query_shape) - 1, bound_dims=2, output_dims=len(output_shape)
        )
        return self._projection(
            equation,
            partial_output_shape(output_rank - 1, output_shape),
            bias_axes,
            "attention_output",
            (*query_shape[:-1], self._num_heads, self._value_dim),
        )

    def compute_output_shape(
        self, query_shape, value_shape, key_shape=None
    ) -> tuple:
        """The query's shape, its last axis replaced by `output_shape`."""
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def get_config(self) -> dict:
        """Returns the constructor arguments, serialized, as Keras does."""
        config = super().get_config()
        config.update(
            {
                "num_heads": self._num_heads,
                "key_dim": self._key_dim,
                "value_dim": self._value_dim,
                "output_shape": self._output_shape,
                "attention_axes": self._attention_axes,
            }
        )
        return config
