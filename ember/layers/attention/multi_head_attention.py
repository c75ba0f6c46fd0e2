"""MultiHeadAttention: attention of several heads over learned projections."""

import math
from typing import Any

import jax.numpy as jnp

from ember import constraints
from ember import initializers
from ember import ops
from ember import regularizers
from ember.core import naming
from ember.layers._config import resolve
from ember.layers.activations.softmax import Softmax
from ember.layers.attention import _common
from ember.layers.attention import _masks
from ember.layers.attention._build_config import ShapesDictBuildConfig
from ember.layers.attention._equations import attention_equations
from ember.layers.attention._equations import partial_output_shape
from ember.layers.attention._equations import projection_equation
from ember.layers.core.einsum_dense import EinsumDense
from ember.layers.layer import Layer
from ember.layers.regularization.dropout import Dropout


class MultiHeadAttention(ShapesDictBuildConfig, Layer):
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
            `ops.dot_product_attention`).
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
        _common.check_positive_int(cls, "num_heads", num_heads)
        _common.check_positive_int(cls, "key_dim", key_dim)
        if value_dim is not None:
            _common.check_positive_int(cls, "value_dim", value_dim)
        if sliding_window is not None:
            _common.check_positive_int(cls, "sliding_window", sliding_window)
        _common.check_rate(cls, dropout)
        if flash_attention and dropout > 0:
            raise ValueError(
                f"{cls}: dropout is not supported with flash attention. Set "
                f"dropout=0.0 or flash_attention=None. Received: "
                f"dropout={dropout}, flash_attention=True"
            )
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
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        self._output_shape = output_shape
        self._attention_axes = attention_axes
        self._sliding_window = sliding_window
        self._flash_attention = flash_attention
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))
        for name, getter, value in (
            ("kernel_initializer", initializers.get, kernel_initializer),
            ("bias_initializer", initializers.get, bias_initializer),
            ("kernel_regularizer", regularizers.get, kernel_regularizer),
            ("bias_regularizer", regularizers.get, bias_regularizer),
            ("activity_regularizer", regularizers.get, activity_regularizer),
            ("kernel_constraint", constraints.get, kernel_constraint),
            ("bias_constraint", constraints.get, bias_constraint),
        ):
            setattr(self, f"_{name}", resolve(getter, value, self, name))

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
    def dropout(self) -> float:
        """The dropout rate of the attention probabilities."""
        return self._dropout

    @property
    def use_bias(self) -> bool:
        """Whether the projections have biases."""
        return self._use_bias

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

    def _where(self) -> str:
        return f'{type(self).__name__} "{self.name}"'

    # -- building ------------------------------------------------------------
    def build(self, query_shape, value_shape, key_shape=None) -> None:
        """Creates the projections for inputs of these shapes."""
        given_key_shape = key_shape
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        rank = len(query_shape)
        self._attention_axes = self._normalized_axes(rank)
        with naming.name_scope(self.name):
            self._query_dense = self._projection(
                "query", query_shape, self._key_dim
            )
            self._key_dense = self._projection("key", key_shape, self._key_dim)
            if self._use_gate:
                self._gate_dense = self._projection(
                    "gate", query_shape, self._value_dim, "sigmoid"
                )
            self._value_dense = self._projection(
                "value", value_shape, self._value_dim
            )
            self._build_attention(rank + 1)
            self._output_dense = self._make_output_dense(query_shape)
        self._build_shapes_dict = {
            "query_shape": query_shape,
            "value_shape": value_shape,
            "key_shape": given_key_shape and tuple(given_key_shape),
        }
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

    def _sublayer_kwargs(self) -> dict:
        return _common.sublayer_kwargs(
            self, self._kernel_initializer, self._bias_initializer
        )

    def _projection(self, name, input_shape, head_size, activation=None):
        equation, bias_axes, output_rank = projection_equation(
            len(input_shape) - 1, bound_dims=1, output_dims=2
        )
        dense = EinsumDense(
            equation,
            output_shape=partial_output_shape(
                output_rank - 1, [self._num_heads, head_size]
            ),
            bias_axes=bias_axes if self._use_bias else None,
            activation=activation,
            name=name,
            **self._sublayer_kwargs(),
        )
        dense.build(input_shape)
        return dense

    def _build_attention(self, rank: int) -> None:
        """The attention's equations and its softmax and dropout layers,
        for projected tensors of rank `rank`."""
        (
            self._dot_product_equation,
            self._combine_equation,
            scores_rank,
        ) = attention_equations(rank, self._attention_axes)
        num_axes = len(self._attention_axes)
        self._softmax = Softmax(
            axis=tuple(range(scores_rank - num_axes, scores_rank)),
            dtype=self.dtype_policy,
        )
        self._dropout_layer = Dropout(
            rate=self._dropout, dtype=self.dtype_policy, seed=self.seed
        )

    def _make_output_dense(self, query_shape: tuple) -> EinsumDense:
        output_shape = self._output_shape or [query_shape[-1]]
        equation, bias_axes, output_rank = projection_equation(
            len(query_shape) - 1, bound_dims=2, output_dims=len(output_shape)
        )
        dense = EinsumDense(
            equation,
            output_shape=partial_output_shape(output_rank - 1, output_shape),
            bias_axes=bias_axes if self._use_bias else None,
            name="attention_output",
            **self._sublayer_kwargs(),
        )
        dense.build((*query_shape[:-1], self._num_heads, self._value_dim))
        return dense

    # -- calling -------------------------------------------------------------
    def call(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        if key is None:
            key = value
        self._check_shapes(
            tuple(query.shape), tuple(value.shape), tuple(key.shape)
        )
        # Causal masking alone runs the fused kernel's own causal mask, as
        # in Keras; any other mask is combined into one (B, T, S) mask.
        causal_only = (
            use_causal_mask
            and query_mask is None
            and value_mask is None
            and key_mask is None
            and attention_mask is None
            and self._sliding_window is None
        )
        if causal_only:
            mask = None
        else:
            mask = _masks.combine(
                self._where(),
                query,
                value,
                key,
                query_mask=query_mask,
                value_mask=value_mask,
                key_mask=key_mask,
                attention_mask=attention_mask,
                use_causal_mask=use_causal_mask,
                sliding_window=self._sliding_window,
            )
        with _masks.hidden_masks(query, value, key):
            gate = self._gate_dense(query) if self._use_gate else None
            query = self._query_dense(query)
            key = self._key_dense(key)
            value = self._value_dense(value)
        output, scores = self._compute_attention(
            query,
            key,
            value,
            mask,
            training=training,
            return_attention_scores=return_attention_scores,
            use_causal_mask=causal_only,
        )
        if gate is not None:
            output = output * gate
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def _compute_attention(
        self,
        query,
        key,
        value,
        attention_mask=None,
        training=None,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        """The heads' outputs `(B, T, N, value_dim)` and probabilities
        `(B, N, T, S)` (None from the fused kernel) of projected inputs."""
        where = self._where()
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                f"{where}: attention scores cannot be returned with flash "
                "attention. Pass flash_attention=None to get them."
            )
        num_axes = len(self._attention_axes)
        # jax.nn's kernel needs values shaped like the keys; Keras' fused
        # path fails when value_dim != key_dim, ember's einsums serve it.
        fused = not (
            self._dropout > 0
            or return_attention_scores
            or query.ndim != 4
            or self._value_dim != self._key_dim
        )
        if fused:
            mask = attention_mask
            if mask is not None:
                scores_shape = (
                    query.shape[0],
                    query.shape[2],
                    query.shape[1],
                    key.shape[1],
                )
                mask = _masks.expand_to_scores(
                    where, mask, scores_shape, num_axes
                )
            output = ops.dot_product_attention(
                query,
                key,
                value,
                mask=mask,
                scale=self._inverse_sqrt_key_dim,
                is_causal=use_causal_mask,
                flash_attention=self._flash_attention,
            )
            return output, None
        if use_causal_mask:
            causal = _masks.causal_mask(query.shape[1], value.shape[1])
            attention_mask = (
                causal if attention_mask is None else attention_mask & causal
            )
        query = query * jnp.asarray(self._inverse_sqrt_key_dim, query.dtype)
        scores = jnp.einsum(self._dot_product_equation, key, query)
        scores = _common.masked_softmax(
            self._softmax, where, scores, attention_mask, num_axes
        )
        dropped = scores
        if self._dropout > 0:
            dropped = self._dropout_layer(scores, training=training)
        output = jnp.einsum(self._combine_equation, dropped, value)
        return output, scores

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
                "dropout": self._dropout,
                "use_bias": self._use_bias,
                "use_gate": self._use_gate,
                "output_shape": self._output_shape,
                "attention_axes": self._attention_axes,
                "sliding_window": self._sliding_window,
                "kernel_initializer": initializers.serialize(
                    self._kernel_initializer
                ),
                "bias_initializer": initializers.serialize(
                    self._bias_initializer
                ),
                "kernel_regularizer": regularizers.serialize(
                    self._kernel_regularizer
                ),
                "bias_regularizer": regularizers.serialize(
                    self._bias_regularizer
                ),
                "activity_regularizer": regularizers.serialize(
                    self._activity_regularizer
                ),
                "kernel_constraint": constraints.serialize(
                    self._kernel_constraint
                ),
                "bias_constraint": constraints.serialize(
                    self._bias_constraint
                ),
                "seed": self.seed,
            }
        )
        return config
