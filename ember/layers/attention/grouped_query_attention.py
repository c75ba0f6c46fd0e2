"""GroupedQueryAttention: query heads sharing fewer key and value heads."""

import math
from typing import Any

from ember.core import naming
from ember.core.arguments import parent_arguments
from ember.layers.attention import _checks
from ember.layers.attention._multi_head_base import MultiHeadBase


class GroupedQueryAttention(MultiHeadBase):
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
            uses it, None uses it where it applies unless
            `ember.config.disable_flash_attention()` was called.
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
            _checks.check_positive_int(cls, name, value)
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                f"{cls}: `num_query_heads` must be divisible by "
                f"`num_key_value_heads`. Received: num_query_heads="
                f"{num_query_heads}, num_key_value_heads="
                f"{num_key_value_heads}"
            )
        super().__init__(**parent_arguments(MultiHeadBase, locals()))
        # As in Keras, the activity regularizer also applies to the output.
        self.activity_regularizer = self._activity_regularizer
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self._num_repeats = self.num_repeats
        self._scale = 1.0 / math.sqrt(float(head_dim))
        self._attention_axes = (1,)

    @property
    def use_gate(self) -> bool:
        """Whether the heads' results are gated."""
        return self._use_gate

    @property
    def sliding_window(self) -> int | None:
        """The sliding window's width, or None."""
        return self._sliding_window

    # -- building ------------------------------------------------------------
    def build(self, query_shape, value_shape, key_shape=None) -> None:
        """Creates the projections for inputs of these shapes."""
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        self.feature_dim = query_shape[-1]
        query_heads = (None, self.num_query_heads, self.head_dim)
        kv_heads = (None, self.num_key_value_heads, self.head_dim)
        with naming.name_scope(self.name):
            self._query_dense = self._projection(
                "bqm,muh->bquh", query_heads, "uh", "query", query_shape
            )
            self._key_dense = self._projection(
                "bkm,mvh->bkvh", kv_heads, "vh", "key", key_shape
            )
            if self._use_gate:
                self._gate_dense = self._projection(
                    "bqm,muh->bquh",
                    query_heads,
                    "uh",
                    "gate",
                    query_shape,
                    activation="sigmoid",
                )
            self._value_dense = self._projection(
                "bkm,mvh->bkvh", kv_heads, "vh", "value", value_shape
            )
            self._build_attention(4)
            self._output_dense = self._projection(
                "bquh,uhm->bqm",
                (None, self.feature_dim),
                "m",
                "attention_output",
                (None, None, self.num_query_heads, self.head_dim),
            )
        self.built = True

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
            }
        )
        return config
