"""GroupedQueryAttention: query heads sharing fewer key and value heads."""

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
from ember.layers.core.einsum_dense import EinsumDense
from ember.layers.layer import Layer
from ember.layers.regularization.dropout import Dropout


class GroupedQueryAttention(ShapesDictBuildConfig, Layer):
    """Grouped-query attention (Ainslie et al., 2023).

    The query is projected to `num_query_heads` heads, the key and the
    value to `num_key_value_heads` heads, each shared by a group of
    `num_query_heads // num_key_value_heads` query heads. One key/value
    head is multi-query attention; as many as query heads is multi-head
    attention. The heads' results are projected back to the query's last
    dimension. Keras exports it as `GroupQueryAttention`; ember as both.

    Args:
        head_dim: the size of each head.
        num_query_heads: the number of query heads.
        num_key_value_heads: the number of key and value heads; it must
            divide `num_query_heads`.
        dropout: the dropout rate of the attention probabilities.
        use_bias: whether the projections have biases.
        sliding_window: if set, query `t` only sees keys `s` with
            `|s - t| < sliding_window`.
        flash_attention: True requires the fused cuDNN kernel, False never
            uses it, None uses it where it applies.
        kernel_initializer: initializer of the projections' kernels.
        bias_initializer: initializer of the projections' biases.
        kernel_regularizer: optional penalty on the kernels.
        bias_regularizer: optional penalty on the biases.
        activity_regularizer: optional penalty on the outputs (of the layer
            and of its projections, as in Keras).
        kernel_constraint: optional projection of the kernels.
        bias_constraint: optional projection of the biases.
        use_gate: whether the output is gated by a sigmoid projection of
            the query (the `gate` sublayer).
        seed: an int seeding the dropout.

    Call arguments:
        query: `(B, T, dim)`.
        value: `(B, S, dim)`.
        key: optional `(B, S, dim)`; None means `value`.
        query_mask: `(B, T)`, filled from the query's mask in a model.
        value_mask: `(B, S)`, filled from the value's mask in a model.
        key_mask: `(B, S)`, filled from the key's mask in a model.
        attention_mask: optional boolean `(B, T, S)`.
        return_attention_scores: also return the attention probabilities
            `(B, num_query_heads, T, S)`.
        training: whether dropout is applied.
        use_causal_mask: whether query `t` only sees keys `s <= t`.

    Input shape:
        `query` `(B, T, dim)`, `value` `(B, S, dim_v)`, `key` `(B, S,
        dim_k)`.

    Output shape:
        `(B, T, dim)`; with `return_attention_scores`, also
        `(B, num_query_heads, T, S)`.

    Example:

    >>> layer = ember.layers.GroupedQueryAttention(
    ...     head_dim=4, num_query_heads=4, num_key_value_heads=2)
    >>> x = np.ones((1, 3, 8), "float32")
    >>> layer(x, x).shape
    (1, 3, 8)
    """

    def __init__(
        self,
        head_dim: int,
        num_query_heads: int,
        num_key_value_heads: int,
        dropout: float = 0.0,
        use_bias: bool = True,
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
        for name, value in (
            ("head_dim", head_dim),
            ("num_query_heads", num_query_heads),
            ("num_key_value_heads", num_key_value_heads),
        ):
            _common.check_positive_int(cls, name, value)
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                f"{cls}: `num_query_heads` must be divisible by "
                f"`num_key_value_heads`. Received: num_query_heads="
                f"{num_query_heads}, num_key_value_heads="
                f"{num_key_value_heads}"
            )
        if sliding_window is not None:
            _common.check_positive_int(cls, "sliding_window", sliding_window)
        _common.check_rate(cls, dropout)
        if flash_attention and dropout > 0:
            raise ValueError(
                f"{cls}: dropout is not supported with flash attention. Set "
                f"dropout=0.0 or flash_attention=None. Received: "
                f"dropout={dropout}, flash_attention=True"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        self.sliding_window = sliding_window
        self._flash_attention = flash_attention
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(head_dim))
        for name, getter, value in (
            ("kernel_initializer", initializers.get, kernel_initializer),
            ("bias_initializer", initializers.get, bias_initializer),
            ("kernel_regularizer", regularizers.get, kernel_regularizer),
            ("bias_regularizer", regularizers.get, bias_regularizer),
            ("activity_regularizer", regularizers.get, activity_regularizer),
            ("kernel_constraint", constraints.get, kernel_constraint),
            ("bias_constraint", constraints.get, bias_constraint),
        ):
            setattr(self, name, resolve(getter, value, self, name))

    def _where(self) -> str:
        return f'{type(self).__name__} "{self.name}"'

    # -- building ------------------------------------------------------------
    def build(self, query_shape, value_shape, key_shape=None) -> None:
        """Creates the projections for inputs of these shapes."""
        given_key_shape = key_shape
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        self.feature_dim = query_shape[-1]
        query_heads = (None, self.num_query_heads, self.head_dim)
        kv_heads = (None, self.num_key_value_heads, self.head_dim)
        with naming.name_scope(self.name):
            self._query_dense = self._dense(
                "bqm,muh->bquh", query_heads, "uh", "query", query_shape
            )
            self._key_dense = self._dense(
                "bkm,mvh->bkvh", kv_heads, "vh", "key", key_shape
            )
            if self.use_gate:
                self._gate_dense = self._dense(
                    "bqm,muh->bquh",
                    query_heads,
                    "uh",
                    "gate",
                    query_shape,
                    activation="sigmoid",
                )
            self._value_dense = self._dense(
                "bkm,mvh->bkvh", kv_heads, "vh", "value", value_shape
            )
            self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)
            self._dropout_layer = Dropout(
                rate=self.dropout, dtype=self.dtype_policy, seed=self.seed
            )
            self._output_dense = self._dense(
                "bquh,uhm->bqm",
                (None, self.feature_dim),
                "m",
                "attention_output",
                (None, None, self.num_query_heads, self.head_dim),
            )
        self._build_shapes_dict = {
            "query_shape": query_shape,
            "value_shape": value_shape,
            "key_shape": given_key_shape and tuple(given_key_shape),
        }
        self.built = True

    def _dense(
        self, equation, output_shape, bias_axes, name, shape, activation=None
    ) -> EinsumDense:
        dense = EinsumDense(
            equation,
            output_shape=output_shape,
            bias_axes=bias_axes if self.use_bias else None,
            activation=activation,
            name=name,
            **_common.sublayer_kwargs(
                self, self.kernel_initializer, self.bias_initializer
            ),
        )
        dense.build(shape)
        return dense

    def _check_shapes(self, query_shape, value_shape, key_shape) -> None:
        where = self._where()
        for name, shape in (
            ("query", query_shape),
            ("value", value_shape),
            ("key", key_shape),
        ):
            if len(shape) != 3:
                raise ValueError(
                    f"{where}: `{name}` must have rank 3 (batch, positions, "
                    f"features). Received: {name}_shape={shape}"
                )
        if value_shape[1] != key_shape[1]:
            raise ValueError(
                f"{where}: `value` and `key` must have the same length. "
                f"Received: value_shape={value_shape}, key_shape={key_shape}"
            )
        batches = {s[0] for s in (query_shape, value_shape, key_shape)}
        if len(batches - {None}) > 1:
            raise ValueError(
                f"{where}: `query`, `value` and `key` must have the same "
                f"batch size. Received: query_shape={query_shape}, "
                f"value_shape={value_shape}, key_shape={key_shape}"
            )

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
        causal_only = (
            use_causal_mask
            and query_mask is None
            and value_mask is None
            and key_mask is None
            and attention_mask is None
            and self.sliding_window is None
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
                sliding_window=self.sliding_window,
            )
        with _masks.hidden_masks(query, value, key):
            gate = self._gate_dense(query) if self.use_gate else None
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
        """Outputs `(B, T, num_query_heads, head_dim)` and probabilities
        `(B, num_query_heads, T, S)` (None from the fused kernel)."""
        where = self._where()
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                f"{where}: attention scores cannot be returned with flash "
                "attention. Pass flash_attention=None to get them."
            )
        if not (self.dropout > 0 or return_attention_scores):
            # jax.nn's attention shares each key/value head among its group
            # of query heads itself, without repeating them in memory.
            mask = attention_mask
            if mask is not None:
                scores_shape = (
                    query.shape[0],
                    query.shape[2],
                    query.shape[1],
                    key.shape[1],
                )
                mask = _masks.expand_to_scores(where, mask, scores_shape, 1)
            output = ops.dot_product_attention(
                query,
                key,
                value,
                mask=mask,
                scale=self._inverse_sqrt_head_dim,
                is_causal=use_causal_mask,
                flash_attention=self._flash_attention,
            )
            return output, None
        key = jnp.repeat(key, self.num_repeats, axis=2)
        value = jnp.repeat(value, self.num_repeats, axis=2)
        if use_causal_mask:
            causal = _masks.causal_mask(query.shape[1], value.shape[1])
            attention_mask = (
                causal if attention_mask is None else attention_mask & causal
            )
        query = query * jnp.asarray(self._inverse_sqrt_head_dim, query.dtype)
        scores = jnp.einsum("bquh,bkuh->buqk", query, key)
        scores = _common.masked_softmax(
            self._softmax, where, scores, attention_mask, 1
        )
        dropped = scores
        if self.dropout > 0:
            dropped = self._dropout_layer(scores, training=training)
        output = jnp.einsum("buqk,bkuh->bquh", dropped, value)
        return output, scores

    def compute_output_shape(
        self, query_shape, value_shape, key_shape=None
    ) -> tuple:
        """The query's shape."""
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        return query_shape

    def get_config(self) -> dict:
        """Returns the constructor arguments, serialized, as Keras does."""
        config = super().get_config()
        config.update(
            {
                "head_dim": self.head_dim,
                "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads,
                "use_bias": self.use_bias,
                "use_gate": self.use_gate,
                "sliding_window": self.sliding_window,
                "dropout": self.dropout,
                "kernel_initializer": initializers.serialize(
                    self.kernel_initializer
                ),
                "bias_initializer": initializers.serialize(
                    self.bias_initializer
                ),
                "kernel_regularizer": regularizers.serialize(
                    self.kernel_regularizer
                ),
                "bias_regularizer": regularizers.serialize(
                    self.bias_regularizer
                ),
                "activity_regularizer": regularizers.serialize(
                    self.activity_regularizer
                ),
                "kernel_constraint": constraints.serialize(
                    self.kernel_constraint
                ),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "seed": self.seed,
            }
        )
        return config
