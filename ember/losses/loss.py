"""The `Loss` base class, reductions, and the wrapper around loss functions."""

import re
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from ember import dtype_policies
from ember.core import config
from ember.ops.core import ArrayLike

REDUCTIONS = (
    "sum_over_batch_size",
    "sum",
    "mean",
    "mean_with_sample_weight",
    "none",
    None,
)


def match_ranks(
    x1: jax.Array, x2: jax.Array, expand_rank_1: bool = True
) -> tuple[jax.Array, jax.Array]:
    """Aligns ranks that differ by one through a trailing axis of size 1.

    The array with the extra trailing 1 is squeezed, except that a rank-1
    partner is expanded instead when `expand_rank_1` is set. Other shapes are
    returned unchanged (and left to broadcasting).
    """
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1 and expand_rank_1:
            return x1, x2[..., None]
        return jnp.squeeze(x1, -1), x2
    if x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1 and expand_rank_1:
            return x1[..., None], x2
        return x1, jnp.squeeze(x2, -1)
    return x1, x2


def standardize_reduction(reduction: str | None) -> str | None:
    """Returns `reduction` if it is one Keras knows, else raises ValueError."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. Expected one of "
            f"{list(REDUCTIONS)}. Received: reduction={reduction!r}"
        )
    return reduction


def _mask_to_weight(
    mask: jax.Array, reduction: str | None, dtype: Any
) -> jax.Array:
    # For the averaging reductions, kept entries are scaled by total/kept so
    # that dividing by the number of entries averages over the kept ones.
    mask = jnp.asarray(mask).astype(bool)
    if reduction in ("mean", "sum_over_batch_size"):
        total = jnp.asarray(mask.size, dtype)
        kept = jnp.sum(mask.astype(dtype))
        scale = jnp.where(kept == 0, jnp.zeros((), dtype), total / kept)
        return jnp.where(mask, scale, jnp.zeros((), dtype))
    return mask.astype(dtype)


def _broadcast_weight(weight: jax.Array, values: jax.Array) -> jax.Array:
    """`weight` over the trailing axes of `values` it lacks.

    Per-sample weights of shape `(batch,)` then weight every value of a
    sample when the loss keeps more than one axis per sample (a per-pixel
    loss of shape `(batch, 28, 28)`), as Keras 2 did; Keras 3 raises a
    broadcasting error there instead.
    """
    if 0 < weight.ndim < values.ndim and all(
        w in (1, v) for w, v in zip(weight.shape, values.shape, strict=False)
    ):
        weight = weight.reshape(
            weight.shape + (1,) * (values.ndim - weight.ndim)
        )
        return jnp.broadcast_to(weight, values.shape)
    return weight


def reduce_weighted_values(
    values: ArrayLike,
    sample_weight: ArrayLike | None = None,
    mask: ArrayLike | None = None,
    reduction: str | None = "sum_over_batch_size",
    dtype: Any = None,
) -> jax.Array:
    """Weights per-sample losses and reduces them as Keras does.

    Args:
        values: the per-sample losses.
        sample_weight: optional weights; a trailing axis of size 1 on either
            side is squeezed (or a rank-1 side expanded) to match ranks, then
            the two broadcast.
        mask: optional boolean mask of the entries to count; it is folded
            into the weights (rescaled for the averaging reductions so the
            average runs over the kept entries only).
        reduction: `"sum_over_batch_size"` and `"mean"`: the weighted sum
            divided by the number of loss values; `"sum"`: the weighted sum;
            `"mean_with_sample_weight"`: the weighted sum divided by the sum
            of the weights (by the number of values without weights);
            `"none"` or None: the weighted values, unreduced.
        dtype: the computation dtype, default `config.floatx()`.

    Returns:
        The reduced loss (a scalar unless the reduction is none).
    """
    reduction = standardize_reduction(reduction)
    dtype = dtype or config.floatx()
    values = jnp.asarray(values, dtype=dtype)
    if mask is not None:
        weight = _mask_to_weight(mask, reduction, values.dtype)
        if sample_weight is not None:
            sample_weight = jnp.asarray(sample_weight, dtype=values.dtype)
            weight, sample_weight = match_ranks(weight, sample_weight)
            weight = _broadcast_weight(sample_weight, weight) * weight
        sample_weight = weight
    if sample_weight is not None:
        sample_weight = jnp.asarray(sample_weight, dtype=values.dtype)
        values, sample_weight = match_ranks(values, sample_weight)
        sample_weight = _broadcast_weight(sample_weight, values)
        values = values * sample_weight
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    total = jnp.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = jnp.sum(sample_weight).astype(total.dtype)
    else:
        divisor = jnp.asarray(values.size, dtype=total.dtype)
    safe = jnp.where(divisor == 0, jnp.ones_like(divisor), divisor)
    return jnp.where(divisor == 0, jnp.zeros_like(total), total / safe)


def _snake_case(name: str) -> str:
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


class Loss:
    """Base class of losses: per-sample values from `call`, then a reduction.

    Subclasses implement `call(y_true, y_pred)`, returning per-sample losses.
    Calling the loss converts both inputs to `dtype`, weights the values by
    `sample_weight` and applies `reduction`. Everything is pure and jit-able.

    Args:
        name: the loss's name, default the snake-case class name.
        reduction: `"sum_over_batch_size"` (default), `"sum"`, `"mean"`,
            `"mean_with_sample_weight"`, `"none"` or None; see
            `reduce_weighted_values`.
        dtype: the computation dtype, default `config.floatx()`.
    """

    def __init__(
        self,
        name: str | None = None,
        reduction: str | None = "sum_over_batch_size",
        dtype: Any = None,
    ):
        self.name = name or _snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        # A policy (or its name) computes in its compute dtype, as Keras.
        self._dtype = (
            None if dtype is None else dtype_policies.get(dtype).compute_dtype
        )

    @property
    def dtype(self) -> str:
        """The dtype inputs are converted to and losses computed in."""
        return self._dtype or config.floatx()

    def __call__(
        self,
        y_true: ArrayLike,
        y_pred: ArrayLike,
        sample_weight: ArrayLike | None = None,
    ) -> jax.Array:
        y_true = self._convert(y_true)
        y_pred = self._convert(y_pred)
        values, mask = self._call_with_mask(y_true, y_pred)
        return reduce_weighted_values(
            values,
            sample_weight=sample_weight,
            mask=mask,
            reduction=self.reduction,
            dtype=self.dtype,
        )

    def _convert(self, x: Any) -> Any:
        # Dicts and tuples are structures of arrays; lists are array data.
        if isinstance(x, (dict, tuple)):
            return jax.tree.map(self._convert, x)
        return jnp.asarray(x, self.dtype)

    def _call_with_mask(
        self, y_true: Any, y_pred: Any
    ) -> tuple[jax.Array, jax.Array | None]:
        # Losses that drop entries (e.g. `ignore_class`) override this.
        return self.call(y_true, y_pred), None

    def call(self, y_true: Any, y_pred: Any) -> jax.Array:
        """Returns the per-sample losses; implemented by subclasses."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `call(y_true, y_pred)`."
        )

    def get_config(self) -> dict:
        """Returns the constructor arguments, as Keras' `get_config`."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        """Builds a loss from what `get_config` returned."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


class LossFunctionWrapper(Loss):
    """A `Loss` computing its per-sample values with a loss function.

    Args:
        fn: a function `fn(y_true, y_pred, **kwargs)` of per-sample losses.
        reduction: as for `Loss`.
        name: as for `Loss`.
        dtype: as for `Loss`.
        **kwargs: passed on to `fn` on each call.
    """

    def __init__(
        self,
        fn: Callable,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> jax.Array:
        y_true, y_pred = match_ranks(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        from ember.losses._lookup import serialize_function

        config = super().get_config()
        config["fn"] = serialize_function(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        from ember.losses._lookup import deserialize

        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"
