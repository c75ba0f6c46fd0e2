"""The default pure steps: `train_step`, `test_step`, `predict_step`.

Each takes `state = (trainable, non_trainable, optimizer, metrics)` (lists of
values, Keras' JAX contract) and a batch `(x, y, sample_weight)`, and
returns `(logs, state)`; `predict_step` returns `(outputs, state)`. Models
call these from their overridable `train_step` etc. methods.
"""

import contextvars

import jax
import jax.numpy as jnp

# The padding mask of the batch being traced: 1 for real rows, 0 for the
# rows that pad the last batch. Set by the compiled chunk around each step,
# so that a user's own `train_step(state, data)` keeps Keras' signature.
_PADDING_MASK = contextvars.ContextVar("ember_padding_mask", default=None)


def padding_mask(batch_size: int):
    """The current batch's padding mask (all ones when there is none)."""
    mask = _PADDING_MASK.get()
    return jnp.ones((batch_size,), "float32") if mask is None else mask


def _batch_size(x) -> int:
    return jax.tree_util.tree_leaves(x)[0].shape[0]


def compute_loss(model, x, y, y_pred, sample_weight, losses=()):
    """The compiled loss, rescaled to ignore padding, plus layer losses."""
    mask = padding_mask(_batch_size(y_pred))
    num_real = jnp.maximum(jnp.sum(mask), 1.0)
    loss = model._compile_loss(y, y_pred, sample_weight)
    # "sum_over_batch_size" divides by every row, padding included.
    if model._compile_loss.reduction == "sum_over_batch_size":
        loss = loss * (mask.shape[0] / num_real)
    for extra in losses:
        loss = loss + jnp.asarray(extra, loss.dtype)
    return loss


def train_step(model, state, data):
    """One optimization step: forward, loss, gradients, update, metrics."""
    trainable, non_trainable, optimizer_values, metric_values = state
    x, y, sample_weight = data

    def loss_fn(trainable_values):
        y_pred, new_non_trainable, losses = model.stateless_call(
            trainable_values,
            non_trainable,
            x,
            training=True,
            return_losses=True,
        )
        loss = compute_loss(model, x, y, y_pred, sample_weight, losses)
        return loss, (y_pred, new_non_trainable)

    grad_fn = jax.value_and_grad(loss_fn, has_aux=True)
    (loss, (y_pred, non_trainable)), grads = grad_fn(trainable)
    trainable, optimizer_values = model.optimizer.stateless_apply(
        optimizer_values, grads, trainable
    )
    metric_values = _update_metrics(
        model, metric_values, loss, y, y_pred, sample_weight
    )
    logs = model._compiled_metrics.results(metric_values)
    return logs, (trainable, non_trainable, optimizer_values, metric_values)


def test_step(model, state, data):
    """Forward pass, loss and metrics, without any update of the weights."""
    trainable, non_trainable, optimizer_values, metric_values = state
    x, y, sample_weight = data
    y_pred, non_trainable, losses = model.stateless_call(
        trainable, non_trainable, x, training=False, return_losses=True
    )
    loss = compute_loss(model, x, y, y_pred, sample_weight, losses)
    metric_values = _update_metrics(
        model, metric_values, loss, y, y_pred, sample_weight
    )
    logs = model._compiled_metrics.results(metric_values)
    return logs, (trainable, non_trainable, optimizer_values, metric_values)


def predict_step(model, state, data):
    """The model's outputs for a batch."""
    trainable, non_trainable = state[0], state[1]
    x = data[0] if isinstance(data, tuple) else data
    outputs, non_trainable = model.stateless_call(
        trainable, non_trainable, x, training=False
    )
    return outputs, (trainable, non_trainable, *state[2:])


def _update_metrics(model, values, loss, y, y_pred, sample_weight):
    mask = padding_mask(_batch_size(y_pred))
    return model._compiled_metrics.update(
        values, loss, jnp.sum(mask), y, y_pred, sample_weight, mask
    )
