"""The default pure steps: `train_step`, `test_step`, `predict_step`.

Each takes a state of value lists (Keras' JAX contract: `train_step` gets
`(trainable, non_trainable, optimizer, metrics)`, `test_step`
`(trainable, non_trainable, metrics)`) and a batch `(x, y)` or
`(x, y, sample_weight)`, and returns `(logs, state)`; `predict_step`
returns `(outputs, non_trainable)`. Models call these from their
overridable `train_step` etc. methods.

The compiled chunk calls ember's steps with one more, ordinary argument:
the batch's padding `mask` (1 for real rows, 0 for the rows that pad a
last partial batch), which reaches the losses and metrics as an argument.
A model with its own `train_step`, `test_step` or `compute_loss` is never
given padded batches (`uses_ember_steps`): its last partial batch runs at
its real size, as in Keras, so its code sees exactly Keras' batches.
"""

import jax
import jax.numpy as jnp

from ember.core.state_scope import StateScope
from ember.ops.nn_conv_patches import gradient_convolutions
from ember.training.data import unpack_x_y_sample_weight

_OWN_METHODS = ("train_step", "test_step", "compute_loss")


def uses_ember_steps(model) -> bool:
    """Whether `model`'s `train_step`, `test_step` and `compute_loss` are
    ember's own: only then may its batches be padded."""
    from ember.training.trainer import Trainer

    return all(
        getattr(type(model), name) is getattr(Trainer, name)
        for name in _OWN_METHODS
    )


def compute_loss(model, x, y, y_pred, sample_weight=None, mask=None):
    """The compiled loss plus the losses of the layers (`model.losses`).

    Args:
        x, y, y_pred, sample_weight: as `Model.compute_loss`.
        mask: the batch's padding mask, or None when every row is real;
            padding rows do not count.
    """
    del x  # Part of Keras' signature; the compiled losses don't use it.
    total = model._compiled.loss(y, y_pred, sample_weight, mask)
    for extra in model.losses:
        total = total + jnp.asarray(extra, total.dtype)
    return total


def loss_and_updates(
    model, trainable, non_trainable, metric_values, data, mask, training
):
    """The forward pass and the loss, pure.

    As in Keras' JAX trainer, `compute_loss` runs in a state scope over
    the model's and the metrics' variables, with the forward pass's losses
    as `model.losses`; what it updates (the per-output loss trackers) is
    read back from the scope.

    Returns:
        `(loss, (y_pred, non_trainable, metric_values))`.
    """
    x, y, sample_weight = unpack_x_y_sample_weight(data)
    y_pred, non_trainable, losses = model.stateless_call(
        trainable, non_trainable, x, training=training, return_losses=True
    )
    metric_variables = model._compiled.metric_variables
    mapping = [
        *zip(model.trainable_variables, trainable, strict=True),
        *zip(model.non_trainable_variables, non_trainable, strict=True),
        *zip(metric_variables, metric_values, strict=True),
    ]
    model._losses_override = losses
    try:
        with StateScope(mapping) as scope:
            if mask is not None:
                loss = compute_loss(model, x, y, y_pred, sample_weight, mask)
            elif training:
                loss = model.compute_loss(x, y, y_pred, sample_weight)
            else:
                loss = model.compute_loss(
                    x, y, y_pred, sample_weight, training=False
                )
    finally:
        model._losses_override = None
    metric_values = [scope.get(v) for v in metric_variables]
    return loss, (y_pred, non_trainable, metric_values)


def _logs_and_metrics(model, metric_values, loss, data, y_pred, mask):
    _, y, sample_weight = unpack_x_y_sample_weight(data)
    compiled = model._compiled
    metric_values = compiled.update_metrics(
        metric_values, loss, y, y_pred, sample_weight, mask
    )
    return compiled.results(metric_values), metric_values


def scale_loss(optimizer, optimizer_values, loss):
    """`optimizer.scale_loss(loss)` with the optimizer's variables read
    from `optimizer_values` (a `LossScaleOptimizer`'s current scale), as
    Keras' JAX trainer scales the loss before differentiating it."""
    mapping = zip(optimizer.variables, optimizer_values, strict=True)
    with StateScope(mapping):
        return optimizer.scale_loss(loss)


def train_step(model, state, data, mask=None):
    """One optimization step: forward, loss, gradients, update, metrics.

    The gradients are those of the optimizer's scaled loss (`scale_loss`);
    the logs and the loss tracker get the unscaled one.
    """
    trainable, non_trainable, optimizer_values, metric_values = state

    def loss_fn(values):
        loss, aux = loss_and_updates(
            model, values, non_trainable, metric_values, data, mask, True
        )
        scaled = scale_loss(model.optimizer, optimizer_values, loss)
        return scaled, (loss, aux)

    grad_fn = jax.value_and_grad(loss_fn, has_aux=True)
    with gradient_convolutions():
        (_, (loss, (y_pred, non_trainable, metric_values))), grads = grad_fn(
            trainable
        )
    trainable, optimizer_values = model.optimizer.stateless_apply(
        optimizer_values, grads, trainable
    )
    logs, metric_values = _logs_and_metrics(
        model, metric_values, loss, data, y_pred, mask
    )
    return logs, (trainable, non_trainable, optimizer_values, metric_values)


def test_step(model, state, data, mask=None):
    """Forward pass, loss and metrics, without any update of the weights.

    `state` is `(trainable, non_trainable, metrics)`, as in Keras' JAX
    trainer (no optimizer values); the same three come back.
    """
    trainable, non_trainable, metric_values = state
    loss, (y_pred, non_trainable, metric_values) = loss_and_updates(
        model, trainable, non_trainable, metric_values, data, mask, False
    )
    logs, metric_values = _logs_and_metrics(
        model, metric_values, loss, data, y_pred, mask
    )
    return logs, (trainable, non_trainable, metric_values)


def predict_step(model, state, data):
    """The model's outputs for a batch: `(outputs, non_trainable)`.

    `state` is `(trainable, non_trainable)`, as in Keras' JAX trainer.
    """
    trainable, non_trainable = state[0], state[1]
    x, _, _ = unpack_x_y_sample_weight(data)
    return model.stateless_call(trainable, non_trainable, x, training=False)
