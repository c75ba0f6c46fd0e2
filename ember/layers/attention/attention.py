"""Attention: dot-product (Luong-style) attention of a query over values."""

from typing import Any

import jax
import jax.numpy as jnp

from ember import random
from ember.core.seed import SeedGenerator
from ember.layers.attention import _checks
from ember.layers.attention._masks import causal_mask
from ember.layers.layer import Layer


class Attention(Layer):
    """Dot-product attention, a.k.a. Luong-style attention.

    The inputs are `[query, value]` or `[query, value, key]` (the key
    defaults to the value). The scores `(B, Tq, Tv)` are the query-key dot
    products (`score_mode="dot"`) or the sums of `tanh(query + key)`
    (`"concat"`); their softmax over `Tv` weighs the values.

    Args:
        use_scale: whether a learned scalar `scale` multiplies the scores.
        score_mode: `"dot"` or `"concat"`; `"concat"` also learns the
            scalar `concat_score_weight`.
        dropout: the dropout rate of the attention weights in training.
        seed: an int seeding the dropout.

    Call arguments:
        inputs: `[query (B, Tq, dim), value (B, Tv, dim_v)]`, optionally
            with `key (B, Tv, dim)` third.
        mask: `[query_mask (B, Tq), value_mask (B, Tv)]`, filled from the
            inputs' masks in a model: the output is 0 where the query is
            masked, and masked values get no weight.
        training: whether dropout is applied.
        return_attention_scores: also return the attention weights (after
            masking, softmax and dropout), `(B, Tq, Tv)`.
        use_causal_mask: whether query `i` only sees values `j <= i`.

    Input shape:
        A list of `(B, Tq, dim)`, `(B, Tv, dim_v)` and optionally
        `(B, Tv, dim)`.

    Output shape:
        `(B, Tq, dim_v)`; with `return_attention_scores`, also
        `(B, Tq, Tv)`.

    Example:

    >>> query = np.ones((2, 3, 4), "float32")
    >>> value = np.ones((2, 5, 4), "float32")
    >>> ember.layers.Attention()([query, value]).shape
    (2, 3, 4)
    """

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        cls = type(self).__name__
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                f"{cls}: invalid `score_mode`, expected one of "
                f"{{'dot', 'concat'}}. Received: score_mode={score_mode!r}"
            )
        _checks.check_rate(cls, dropout)
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if dropout > 0:
            self.seed_generator = SeedGenerator(seed)

    def _where(self) -> str:
        return f'{type(self).__name__} "{self.name}"'

    def build(self, input_shape: Any) -> None:
        """Creates `scale` and `concat_score_weight` as configured."""
        self._check_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale", shape=(), initializer="ones", dtype=self.dtype
            )
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight",
                shape=(),
                initializer="ones",
                dtype=self.dtype,
            )
        self.built = True

    def _check_inputs(self, inputs: Any, mask: Any = None) -> None:
        """Checks the inputs (tensors or shapes) and masks of a call."""
        where = self._where()
        if not isinstance(inputs, list | tuple) or not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{where} must be called on a list of inputs, [query, value] "
                f"or [query, value, key]. Received: inputs={inputs!r}"
            )
        if mask is not None and (
            not isinstance(mask, list | tuple) or not 2 <= len(mask) <= 3
        ):
            raise ValueError(
                f"{where}: `mask` must be a list, [query_mask, value_mask]. "
                f"Received: mask={mask!r}"
            )
        shapes = [tuple(getattr(x, "shape", x)) for x in inputs]
        query, value = shapes[0], shapes[1]
        key = shapes[2] if len(shapes) > 2 else value
        described = (
            f"Received: query.shape={query}, value.shape={value}, "
            f"key.shape={key}"
        )
        if len({len(s) for s in (query, value, key)}) > 1 or len(query) < 2:
            raise ValueError(
                f"{where}: the query, value and key must have the same rank, "
                f"at least 2. {described}"
            )
        if query[-1] is not None and key[-1] not in (None, query[-1]):
            raise ValueError(
                f"{where}: the query and the key must have the same last "
                f"dimension. {described}"
            )
        if value[-2] is not None and key[-2] not in (None, value[-2]):
            raise ValueError(
                f"{where}: the value and the key must have the same length "
                f"(axis -2). {described}"
            )
        batches = {s[0] for s in (query, value, key)} - {None}
        if len(query) > 2 and len(batches) > 1:
            raise ValueError(
                f"{where}: the query, value and key must have the same batch "
                f"size. {described}"
            )
        if mask is not None:
            for name, m, shape in (
                ("query_mask", mask[0], query),
                ("value_mask", mask[1], value),
            ):
                if m is not None and tuple(jnp.shape(m)) != shape[:-1]:
                    raise ValueError(
                        f"{where}: `{name}` must have shape {shape[:-1]}. "
                        f"Received: {name}.shape={tuple(jnp.shape(m))}"
                    )

    def _calculate_scores(self, query, key):
        """The scores `(B, Tq, Tv)` of the query against the key."""
        if self.score_mode == "dot":
            scores = jnp.matmul(query, jnp.swapaxes(key, -2, -1))
            if self.scale is not None:
                scores = scores * self.scale.value
            return scores
        pairs = query[..., :, None, :] + key[..., None, :, :]
        if self.scale is not None:
            pairs = self.scale.value * pairs
        return self.concat_score_weight.value * jnp.sum(
            jnp.tanh(pairs), axis=-1
        )

    def _score_mask(self, scores, value_mask, use_causal_mask: bool):
        """Which scores count: the value's mask and the causal mask."""
        if not use_causal_mask:
            return value_mask
        causal = causal_mask(scores.shape[-2], scores.shape[-1])
        if value_mask is None:
            return causal
        return jnp.asarray(value_mask, bool)[..., None, :] & causal

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        """The weighted values and the weights (softmax of the scores)."""
        if scores_mask is not None:
            padding = jnp.logical_not(jnp.asarray(scores_mask, bool))
            # As Keras: masked scores are lowered by a large number (the
            # largest float16 in float16), not replaced.
            large = 65504.0 if scores.dtype == jnp.float16 else 1.0e9
            if padding.ndim == 2:
                padding = padding[:, None, :]
            scores = jnp.where(padding, scores - large, scores)
        weights = jax.nn.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = random.dropout(
                weights, self.dropout, seed=self.seed_generator
            )
        return jnp.matmul(weights, value), weights

    def call(
        self,
        inputs,
        mask=None,
        training=False,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        self._check_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = self._score_mask(scores, value_mask, use_causal_mask)
        output, weights = self._apply_scores(
            scores, value, scores_mask=scores_mask, training=training
        )
        if query_mask is not None:
            keep = jnp.asarray(query_mask, bool)[..., None]
            output = jnp.where(keep, output, jnp.zeros((), output.dtype))
        if return_attention_scores:
            return output, weights
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The query's mask, which the output keeps."""
        self._check_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return jnp.asarray(mask[0])

    def compute_output_shape(self, input_shape: Any) -> tuple:
        """`(*query_shape[:-1], value_shape[-1])`."""
        query_shape, value_shape = input_shape[0], input_shape[1]
        return (*tuple(query_shape)[:-1], tuple(value_shape)[-1])

    def get_config(self) -> dict:
        """Returns the base config and the constructor arguments."""
        config = super().get_config()
        config.update(
            {
                "use_scale": self.use_scale,
                "score_mode": self.score_mode,
                "dropout": self.dropout,
                "seed": self.seed,
            }
        )
        return config
