"""The loss given to `compile`: one loss, or one per output, with weights.

Follows Keras: a single loss applies to every output; a list gives one per
output and a dict one per output name (None, or a missing name, leaves an
output without a loss); `loss_weights` scales each output's loss in the
total. With several losses, each output's unweighted loss is also tracked
as `"<output name>_loss"`: `CompileLoss` updates these trackers itself as
it computes the loss (inside a step, the step's state scope records the
new values, as in Keras' JAX trainer).

The strings `"crossentropy"` and `"ce"` pick binary, sparse categorical or
categorical crossentropy from the shapes, as Keras does.
"""

from typing import Any
from typing import NamedTuple

import jax
import jax.numpy as jnp

from ember import losses as losses_module
from ember import metrics as metrics_module
from ember.core import config
from ember.losses.loss import Loss
from ember.losses.loss import LossFunctionWrapper
from ember.training.outputs import Outputs
from ember.training.outputs import identifiers

_AUTO_CROSSENTROPY = ("crossentropy", "ce")


def target_kind(y_shape: tuple, pred_shape: tuple) -> str:
    """`"binary"`, `"sparse"` or `"categorical"` targets, from the shapes."""
    if tuple(pred_shape)[-1:] == (1,):
        return "binary"
    sparse = len(y_shape) < len(pred_shape) or (
        tuple(y_shape)[-1:] == (1,) and tuple(pred_shape)[-1:] != (1,)
    )
    return "sparse" if sparse else "categorical"


def get_loss(identifier: Any, y_shape: tuple, pred_shape: tuple) -> Loss:
    """A `Loss` object from a name, a `Loss` or a callable."""
    if isinstance(identifier, str) and identifier.lower() in _AUTO_CROSSENTROPY:
        kind = target_kind(y_shape, pred_shape)
        fn = {
            "binary": losses_module.binary_crossentropy,
            "sparse": losses_module.sparse_categorical_crossentropy,
            "categorical": losses_module.categorical_crossentropy,
        }[kind]
        return LossFunctionWrapper(fn, name=identifier)
    loss = losses_module.get(identifier)
    if isinstance(loss, Loss):
        return loss
    name = identifier if isinstance(identifier, str) else None
    return LossFunctionWrapper(loss, name=name or loss.__name__)


def num_real(y_pred, mask=None) -> jax.Array:
    """The rows of a batch that are not padding (`mask`'s sum, at least 1),
    as a float: the weight of the batch's loss in the loss trackers."""
    batch_size = jax.tree_util.tree_leaves(y_pred)[0].shape[0]
    if mask is None:
        return jnp.asarray(batch_size, config.floatx())
    return jnp.maximum(jnp.sum(mask), 1.0)


class LossEntry(NamedTuple):
    """One output's loss: its position, the `Loss`, its weight, its name."""

    index: int
    loss: Loss
    weight: float | None
    name: str


class CompileLoss:
    """The total training loss from the compiled per-output losses.

    Args:
        loss: a loss identifier, or a list or dict of them (per output).
        loss_weights: None, a float (one output) or a list or dict of
            floats (per output).
    """

    def __init__(self, loss: Any, loss_weights: Any = None):
        # `loss=None` is allowed, as in Keras: the model's own
        # `compute_loss` / `train_step`, or its `add_loss` terms, give the
        # loss (a model with none of them trains on a loss of 0).
        if loss_weights is not None and not isinstance(
            loss_weights, (int, float, list, tuple, dict)
        ):
            raise ValueError(
                "`loss_weights` must be a float (one output) or a list or "
                "dict of floats (one per output). Received: "
                f"loss_weights={loss_weights!r}"
            )
        # Unknown names fail here, in compile, not at the first fit.
        for identifier in identifiers(loss):
            if not (
                isinstance(identifier, str)
                and identifier.lower() in _AUTO_CROSSENTROPY
            ):
                losses_module.get(identifier)
        self._loss_arg = loss
        self._weights_arg = loss_weights
        self.entries: list[LossEntry] = []
        self.trackers: list = []
        self.outputs: Outputs | None = None
        self.built = False

    def build(
        self, outputs: Outputs, y_shapes: list, pred_shapes: list
    ) -> None:
        """Resolves one loss per output from the outputs' shapes, once."""
        if self.built:
            return
        self.outputs = outputs
        if self._loss_arg is None:
            self.built = True
            return
        losses = outputs.per_output(self._loss_arg, "loss")
        weights = self._weights_per_output(outputs)
        self.entries = [
            LossEntry(
                index,
                get_loss(identifier, y_shapes[index], pred_shapes[index]),
                weight,
                outputs.names[index],
            )
            for index, (identifier, weight) in enumerate(
                zip(losses, weights, strict=True)
            )
            if identifier is not None
        ]
        if isinstance(self._loss_arg, dict) and isinstance(
            outputs.keys[0], str
        ):
            # Keras tracks a dict model's losses in the loss dict's order.
            order = list(self._loss_arg)
            self.entries.sort(key=lambda entry: order.index(entry.name))
        if not self.entries:
            raise ValueError(
                "compile() was given no loss for any output. Received: "
                f"loss={self._loss_arg!r}"
            )
        if len(self.entries) > 1:
            self.trackers = [
                metrics_module.Mean(name=f"{entry.name}_loss")
                for entry in self.entries
            ]
        self.built = True

    def _weights_per_output(self, outputs: Outputs) -> list:
        weights = self._weights_arg
        if weights is None:
            return [None] * len(outputs)
        if isinstance(weights, (int, float)):
            if not outputs.single:
                raise ValueError(
                    "A single float `loss_weights` is for a model with one "
                    f"output; this model has {outputs.describe()}. Give a "
                    "list or a dict. Received: "
                    f"loss_weights={weights!r}"
                )
            return [float(weights)]
        return outputs.per_output(weights, "loss_weights")

    @property
    def has_loss(self) -> bool:
        """Whether `compile` was given a loss."""
        return self._loss_arg is not None

    def loss_for(self, index: int) -> Loss | None:
        """The `Loss` of output `index`, or None."""
        for entry in self.entries:
            if entry.index == index:
                return entry.loss
        return None

    def _per_output_weights(self, sample_weight) -> list:
        outputs = self.outputs
        if sample_weight is None:
            return [None] * len(outputs)
        if isinstance(sample_weight, (list, tuple, dict)):
            return outputs.flatten(sample_weight, "sample_weight")
        return [sample_weight] * len(outputs)

    def __call__(self, y_true, y_pred, sample_weight=None, mask=None):
        """The total loss of a batch; updates the per-output trackers.

        Args:
            y_true, y_pred, sample_weight: structures like the model's
                outputs (`sample_weight` may also be one array for all).
            mask: the padding mask (1 for real rows, 0 for the rows that
                pad a last batch), or None when every row is real. Padding
                rows do not count: with Keras' default
                `"sum_over_batch_size"` reduction the value is the mean
                over the real rows.

        Returns:
            The weighted sum of the outputs' losses (0 without a loss).
        """
        if not self.entries:
            return jnp.zeros((), config.floatx())
        y_true = self.outputs.flatten(y_true)
        y_pred = self.outputs.flatten(y_pred, "y_pred")
        weights = self._per_output_weights(sample_weight)
        batch_size = jax.tree_util.tree_leaves(y_pred[0])[0].shape[0]
        real = num_real(y_pred, mask)
        total = 0.0
        for position, entry in enumerate(self.entries):
            weight = weights[entry.index]
            value = entry.loss(
                y_true[entry.index],
                y_pred[entry.index],
                mask if weight is None else weight,
            )
            if mask is not None and entry.loss.reduction == (
                "sum_over_batch_size"
            ):
                value = value * (batch_size / real)
            if self.trackers:
                self.trackers[position].update_state(value, sample_weight=real)
            if entry.weight is not None:
                value = value * entry.weight
            total = total + value
        return total
