"""MultiHeadBase: the call shared by MultiHeadAttention and
GroupedQueryAttention (masks, projections, attention, output projection)."""

from typing import Any

import jax.numpy as jnp

from ember import constraints
from ember import initializers
from ember import ops
from ember import regularizers
from ember.core import config as ember_config
from ember.layers import mask_propagation
from ember.layers._config import resolve
from ember.layers.activations.softmax import Softmax
from ember.layers.attention import _checks
from ember.layers.attention import _masks
from ember.layers.attention._equations import attention_equations
from ember.layers.core.einsum_dense import EinsumDense
from ember.layers.layer import Layer
from ember.layers.regularization.dropout import Dropout

_WEIGHT_OPTIONS = (
    ("kernel_initializer", initializers),
    ("bias_initializer", initializers),
    ("kernel_regularizer", regularizers),
    ("bias_regularizer", regularizers),
    ("activity_regularizer", regularizers),
    ("kernel_constraint", constraints),
    ("bias_constraint", constraints),
)


class MultiHeadBase(Layer):
    """Attention of several heads over learned projections.

    The query, key and value are projected to heads (EinsumDense sublayers
    named `query`, `key` and `value`), each query position attends to the
    key positions with `softmax(q k^T * scale)`, and the heads' results
    are projected back by `attention_output`. The inputs' masks, the
    `attention_mask`, the causal mask and the sliding window combine by
    logical AND, as in Keras.

    A subclass checks its own arguments, sets `_scale` and `_num_repeats`
    (query heads per key/value head) in `__init__`, and in `build` creates
    `_query_dense`, `_key_dense`, `_value_dense`, `_output_dense` (and
    `_gate_dense` with `use_gate`), sets `_attention_axes` and calls
    `_build_attention`. It defines `_check_shapes(query_shape,
    value_shape, key_shape)`, which raises a ValueError for inputs it
    cannot take.

    Args:
        dropout: the dropout rate of the attention probabilities.
        use_bias: whether the projections have biases.
        sliding_window: if set, query `t` only sees keys `s` with
            `|s - t| < sliding_window`.
        flash_attention: True requires the fused cuDNN kernel, False never
            uses it, None uses it where it applies (see
            `ops.dot_product_attention`); `ember.config.
            disable_flash_attention()` turns None into False.
        kernel_initializer: initializer of the projections' kernels.
        bias_initializer: initializer of the projections' biases.
        kernel_regularizer: optional penalty on the kernels.
        bias_regularizer: optional penalty on the biases.
        activity_regularizer: optional penalty on the projections' outputs.
        kernel_constraint: optional projection of the kernels.
        bias_constraint: optional projection of the biases.
        use_gate: whether the heads' results are gated by a sigmoid
            projection of the query (the `gate` sublayer).
        seed: an int seeding the dropout.
    """

    def __init__(
        self,
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
        if sliding_window is not None:
            _checks.check_positive_int(cls, "sliding_window", sliding_window)
        _checks.check_rate(cls, dropout)
        if flash_attention is None:
            flash_attention = ember_config.is_flash_attention_enabled()
        if flash_attention and dropout > 0:
            raise ValueError(
                f"{cls}: dropout is not supported with flash attention. Set "
                f"dropout=0.0 or flash_attention=None. Received: "
                f"dropout={dropout}, flash_attention=True"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        self._sliding_window = sliding_window
        self._flash_attention = flash_attention
        self.seed = seed
        options = locals()
        for name, module in _WEIGHT_OPTIONS:
            value = resolve(module.get, options[name], self, name)
            setattr(self, f"_{name}", value)

    @property
    def dropout(self) -> float:
        """The dropout rate of the attention probabilities."""
        return self._dropout

    @property
    def use_bias(self) -> bool:
        """Whether the projections have biases."""
        return self._use_bias

    def _where(self) -> str:
        return f'{type(self).__name__} "{self.name}"'

    # -- building ------------------------------------------------------------
    def _projection(
        self,
        equation: str,
        output_shape: Any,
        bias_axes: str,
        name: str,
        input_shape: tuple,
        activation: Any = None,
    ) -> EinsumDense:
        """A built EinsumDense sublayer with the layer's weight options."""

        def fresh(initializer):
            # One instance per projection, as Keras makes them.
            return type(initializer).from_config(initializer.get_config())

        dense = EinsumDense(
            equation,
            output_shape=output_shape,
            bias_axes=bias_axes if self._use_bias else None,
            activation=activation,
            name=name,
            kernel_initializer=fresh(self._kernel_initializer),
            bias_initializer=fresh(self._bias_initializer),
            kernel_regularizer=self._kernel_regularizer,
            bias_regularizer=self._bias_regularizer,
            activity_regularizer=self._activity_regularizer,
            kernel_constraint=self._kernel_constraint,
            bias_constraint=self._bias_constraint,
            dtype=self.dtype_policy,
        )
        dense.build(input_shape)
        return dense

    def _build_attention(self, rank: int) -> None:
        """The attention's einsum equations, softmax and dropout, for
        projected tensors of rank `rank` and `_attention_axes`."""
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
        self._check_features(query=query, value=value, key=key)
        masks = (query_mask, value_mask, key_mask, attention_mask)
        # Causal masking alone runs the fused kernel's own causal mask, as
        # in Keras; any other mask is combined into one. A subclass's own
        # `_compute_attention` gets the combined mask, as in Keras.
        causal_only = (
            use_causal_mask
            and all(m is None for m in masks)
            and self._sliding_window is None
            and type(self)._compute_attention
            is MultiHeadBase._compute_attention
        )
        mask = None
        if not causal_only:
            mask = _masks.combine(
                self._where(),
                query,
                value,
                key,
                self._scores_shape(query.shape, key.shape),
                len(self._attention_axes),
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
        # `use_causal_mask` only when set, for overrides without it.
        causal = {"use_causal_mask": True} if causal_only else {}
        output, scores = self._compute_attention(
            query,
            key,
            value,
            mask,
            training=training,
            return_attention_scores=return_attention_scores,
            **causal,
        )
        if gate is not None:
            output = output * gate
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def _check_features(self, **inputs) -> None:
        """Raises a ValueError for an input whose last dimension is not the
        one its projection was built for."""
        for name, x in inputs.items():
            # Every projection's kernel starts with the input's features.
            expected = getattr(self, f"_{name}_dense").kernel.shape[0]
            if x.shape[-1] != expected:
                raise ValueError(
                    f"{self._where()}: `{name}` must have last dimension "
                    f"{expected}, as when the layer was built. Received: "
                    f"{name}.shape={tuple(x.shape)}"
                )

    def _scores_shape(self, query_shape: tuple, key_shape: tuple) -> tuple:
        """The attention scores' shape: `(<batch axes>, heads, <query
        attention axes>, <key attention axes>)`, from the inputs' shapes."""
        axes = self._attention_axes
        batch = [
            query_shape[i] for i in range(len(query_shape) - 1) if i not in axes
        ]
        return (
            *batch,
            # The query kernel is (..., heads, head size) in both layouts.
            self._query_dense.kernel.shape[-2],
            *(query_shape[i] for i in axes),
            *(key_shape[i] for i in axes),
        )

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
        """The heads' outputs and probabilities of projected inputs.

        Args:
            query: the projected query, `(B, T, N, key_dim)`.
            key: the projected key, `(B, S, K, key_dim)`, K = N / repeats.
            value: the projected value, `(B, S, K, value_dim)`.
            attention_mask: None, or a boolean mask `(B, T, S)` (or with
                the heads axis, `(B, N, T, S)`): True where a query
                position may attend to a key position.
            training: whether dropout is applied.
            return_attention_scores: whether the probabilities are needed.
            use_causal_mask: whether query `t` only sees keys `s <= t`.

        Returns:
            `(output (B, T, N, value_dim), probabilities (B, N, T, S))`;
            the probabilities are None when the fused kernel ran (no
            dropout, no scores asked for, 4D projections).
        """
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                f"{self._where()}: attention scores cannot be returned with "
                "flash attention. Pass flash_attention=None to get them."
            )
        fused = not (
            self._dropout > 0
            or return_attention_scores
            or query.ndim != 4
            or value.shape[-1] != key.shape[-1]
        )
        if fused:
            if attention_mask is not None:
                scores_shape = (
                    query.shape[0],
                    query.shape[2],
                    query.shape[1],
                    key.shape[1],
                )
                attention_mask = self._expanded(attention_mask, scores_shape)
            # jax.nn's attention shares each key/value head among its group
            # of query heads itself, without repeating them in memory.
            output = ops.dot_product_attention(
                query,
                key,
                value,
                mask=attention_mask,
                scale=self._scale,
                is_causal=use_causal_mask,
                flash_attention=self._flash_attention,
            )
            return output, None
        if self._num_repeats > 1:
            key = jnp.repeat(key, self._num_repeats, axis=-2)
            value = jnp.repeat(value, self._num_repeats, axis=-2)
        query = query * jnp.asarray(self._scale, query.dtype)
        scores = jnp.einsum(self._dot_product_equation, key, query)
        if use_causal_mask:
            causal = _masks.causal_mask(query.shape[1], key.shape[1])
            attention_mask = _masks.both(attention_mask, causal)
        if attention_mask is not None:
            attention_mask = self._expanded(attention_mask, scores.shape)
        probabilities = self._softmax(scores, mask=attention_mask)
        # The scores a layer returns carry no mask; only its output does.
        mask_propagation.set_mask(probabilities, None)
        dropped = probabilities
        if self._dropout > 0:
            dropped = self._dropout_layer(probabilities, training=training)
        output = jnp.einsum(self._combine_equation, dropped, value)
        return output, probabilities

    def _expanded(self, mask, scores_shape: tuple):
        """`mask` with a heads axis (and missing batch axes), as boolean."""
        return _masks.expand_to_scores(
            self._where(),
            mask,
            scores_shape,
            len(self._attention_axes),
        )

    # -- config --------------------------------------------------------------
    def get_config(self) -> dict:
        """Returns the base config and the shared constructor arguments."""
        config = super().get_config()
        config.update(
            {
                "dropout": self._dropout,
                "use_bias": self._use_bias,
                "use_gate": self._use_gate,
                "sliding_window": self._sliding_window,
            }
        )
        for name, module in _WEIGHT_OPTIONS:
            config[name] = module.serialize(getattr(self, f"_{name}"))
        config["seed"] = self.seed
        return config
