"""Keras' loss classes, each a `LossFunctionWrapper` over one loss function.

`get_config` returns what Keras' does: `name` and `reduction`, plus the
arguments Keras lists for that class. One deliberate difference: Keras
leaves `delta` out of `Huber`'s config and `axis` out of
`CosineSimilarity`'s, so a saved `Huber(delta=0.5)` reloads as `delta=1.0`;
ember writes them. Keras reads these configs (both are `__init__`
arguments), and a Keras config without them gives the defaults.
"""

from typing import Any

import jax

from ember.losses import _functions as F
from ember.losses.loss import Loss
from ember.losses.loss import LossFunctionWrapper
from ember.losses.loss import match_ranks

_DEFAULT = "sum_over_batch_size"


class _KerasLoss(LossFunctionWrapper):
    # Attributes added to `Loss.get_config`, in Keras' order.
    _config_keys: tuple[str, ...] = ()

    def __init__(self, fn, reduction, name, dtype, **kwargs: Any):
        super().__init__(
            fn, reduction=reduction, name=name, dtype=dtype, **kwargs
        )
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({key: getattr(self, key) for key in self._config_keys})
        return config

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        return cls(**config)

    def __repr__(self) -> str:
        return Loss.__repr__(self)


# -- regression ---------------------------------------------------------------


class MeanSquaredError(_KerasLoss):
    """Mean of `square(y_true - y_pred)`; see `mean_squared_error`."""

    def __init__(
        self, reduction=_DEFAULT, name="mean_squared_error", dtype=None
    ):
        super().__init__(F.mean_squared_error, reduction, name, dtype)


class MeanAbsoluteError(_KerasLoss):
    """Mean of `abs(y_true - y_pred)`; see `mean_absolute_error`."""

    def __init__(
        self, reduction=_DEFAULT, name="mean_absolute_error", dtype=None
    ):
        super().__init__(F.mean_absolute_error, reduction, name, dtype)


class MeanAbsolutePercentageError(_KerasLoss):
    """Mean absolute percentage error; see `mean_absolute_percentage_error`."""

    def __init__(
        self,
        reduction=_DEFAULT,
        name="mean_absolute_percentage_error",
        dtype=None,
    ):
        super().__init__(
            F.mean_absolute_percentage_error, reduction, name, dtype
        )


class MeanSquaredLogarithmicError(_KerasLoss):
    """Mean squared logarithmic error; see `mean_squared_logarithmic_error`."""

    def __init__(
        self,
        reduction=_DEFAULT,
        name="mean_squared_logarithmic_error",
        dtype=None,
    ):
        super().__init__(
            F.mean_squared_logarithmic_error, reduction, name, dtype
        )


class CosineSimilarity(_KerasLoss):
    """Negative cosine similarity along `axis`; see `cosine_similarity`."""

    _config_keys = ("axis",)

    def __init__(
        self, axis=-1, reduction=_DEFAULT, name="cosine_similarity", dtype=None
    ):
        super().__init__(F.cosine_similarity, reduction, name, dtype, axis=axis)


class Huber(_KerasLoss):
    """Huber loss with threshold `delta`; see `huber`."""

    _config_keys = ("delta",)

    def __init__(
        self, delta=1.0, reduction=_DEFAULT, name="huber_loss", dtype=None
    ):
        super().__init__(F.huber, reduction, name, dtype, delta=delta)


class LogCosh(_KerasLoss):
    """Mean of `log(cosh(y_pred - y_true))`; see `log_cosh`."""

    def __init__(self, reduction=_DEFAULT, name="log_cosh", dtype=None):
        super().__init__(F.log_cosh, reduction, name, dtype)


# -- hinge --------------------------------------------------------------------


class Hinge(_KerasLoss):
    """Hinge loss for -1/1 (or 0/1) targets; see `hinge`."""

    def __init__(self, reduction=_DEFAULT, name="hinge", dtype=None):
        super().__init__(F.hinge, reduction, name, dtype)


class SquaredHinge(_KerasLoss):
    """Squared hinge loss; see `squared_hinge`."""

    def __init__(self, reduction=_DEFAULT, name="squared_hinge", dtype=None):
        super().__init__(F.squared_hinge, reduction, name, dtype)


class CategoricalHinge(_KerasLoss):
    """Categorical hinge loss for one-hot targets; see `categorical_hinge`."""

    def __init__(
        self, reduction=_DEFAULT, name="categorical_hinge", dtype=None
    ):
        super().__init__(F.categorical_hinge, reduction, name, dtype)


# -- probabilistic ------------------------------------------------------------


class KLDivergence(_KerasLoss):
    """Kullback-Leibler divergence; see `kl_divergence`."""

    def __init__(self, reduction=_DEFAULT, name="kl_divergence", dtype=None):
        super().__init__(F.kl_divergence, reduction, name, dtype)


class Poisson(_KerasLoss):
    """Poisson loss; see `poisson`."""

    def __init__(self, reduction=_DEFAULT, name="poisson", dtype=None):
        super().__init__(F.poisson, reduction, name, dtype)


class BinaryCrossentropy(_KerasLoss):
    """Binary cross-entropy; see `binary_crossentropy` for the arguments."""

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction=_DEFAULT,
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            F.binary_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalCrossentropy(_KerasLoss):
    """Categorical cross-entropy; see `categorical_crossentropy`."""

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction=_DEFAULT,
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            F.categorical_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(_KerasLoss):
    """Cross-entropy with integer labels; see `sparse_categorical_crossentropy`.

    With `ignore_class`, entries with that label are left out: their loss is
    0 and the `"sum_over_batch_size"` / `"mean"` average runs over the other
    entries only.
    """

    _config_keys = ("from_logits", "ignore_class")

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction=_DEFAULT,
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            F.sparse_categorical_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )

    def _call_with_mask(
        self, y_true: Any, y_pred: Any
    ) -> tuple[jax.Array, jax.Array | None]:
        y_true, y_pred = match_ranks(y_true, y_pred)
        return F.sparse_crossentropy_and_mask(y_true, y_pred, **self._fn_kwargs)
