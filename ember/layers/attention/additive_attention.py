"""AdditiveAttention: Bahdanau-style attention of a query over values."""

from typing import Any

import jax.numpy as jnp

from ember.core.ranks import lift
from ember.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention, a.k.a. Bahdanau-style attention.

    The inputs are `[query, value]` or `[query, value, key]` (the key
    defaults to the value). The scores `(B, Tq, Tv)` are
    `sum(scale * tanh(query + key))` over the features, with a learned
    `scale` vector (one weight per feature) when `use_scale`; their
    softmax over `Tv` weighs the values.

    Args:
        use_scale: whether the learned `scale` vector weighs the features.
        dropout: the dropout rate of the attention weights in training.
        seed: an int seeding the dropout.

    Call arguments:
        inputs: `[query (B, Tq, dim), value (B, Tv, dim_v)]`, optionally
            with `key (B, Tv, dim)` third.
        mask: `[query_mask (B, Tq), value_mask (B, Tv)]`, filled from the
            inputs' masks in a model.
        training: whether dropout is applied.
        return_attention_scores: also return the attention weights,
            `(B, Tq, Tv)`.
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
    >>> ember.layers.AdditiveAttention()([query, value]).shape
    (2, 3, 4)
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape: Any) -> None:
        """Creates the `scale` vector, one weight per query feature."""
        self._check_inputs(input_shape)
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale",
                shape=(input_shape[0][-1],),
                initializer="glorot_uniform",
                dtype=self.dtype,
            )
        self.built = True

    def _calculate_scores(self, query, key):
        pairs = jnp.tanh(query[..., :, None, :] + key[..., None, :, :])
        if self.scale is not None:
            pairs = lift(self.scale.value, pairs.ndim) * pairs
        return jnp.sum(pairs, axis=-1)

    def get_config(self) -> dict:
        """Returns the base config, `use_scale`, `dropout` and `seed`."""
        config = super().get_config()
        del config["score_mode"]
        return config
