"""The default pure steps: `train_step`, `test_step`, `predict_step`.

Each takes a state of value lists (Keras' JAX contract: `train_step` gets
`(trainable, non_trainable, optimizer, metrics)`, `test_step`
`(trainable, non_trainable, metrics)`) and a batch `(x, y)` or
`(x, y, sample_weight)`, and returns `(logs, state)`; `predict_step`
returns `(outputs, non_trainable)`.
Models call these from their overridable `train_step` etc. methods.
"""

import contextlib
import contextvars
from typing import Any

import jax
import jax.numpy as jnp

from ember.core import config

# The padding mask of the batch being traced: 1 for real rows, 0 for the
# rows that pad the last batch. Set by the compiled chunk around each step,
# so that a user's own `train_step(state, data)` keeps Keras' signature.
_PADDING_MASK = contextvars.ContextVar("ember_padding_mask", default=None)

# Set by the default steps around `model.compute_loss`: the layer losses of
# the forward pass to add, and a list that receives each output's loss.
_LAYER_LOSSES = contextvars.ContextVar("ember_layer_losses", default=())
_LOSS_PARTS = contextvars.ContextVar("ember_loss_parts", default=None)


def current_padding_mask():
    """The padding mask of the batch being traced, or None outside `fit`."""
    return _PADDING_MASK.get()


def padding_mask(batch_size: int):
    """The current batch's padding mask (all ones when there is none)."""
    mask = _PADDING_MASK.get()
    return jnp.ones((batch_size,), "float32") if mask is None else mask


def unpack_x_y_sample_weight(data: Any) -> tuple:
    """`(x, y, sample_weight)` from a batch `x`, `(x,)`, `(x, y)` or
    `(x, y, sample_weight)`; missing parts are None."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return (*data, None, None)[:3]
    raise ValueError(
        "A batch must be x, (x,), (x, y) or (x, y, sample_weight); received "
        f"a tuple of length {len(data)}."
    )


@contextlib.contextmanager
def collecting_loss_parts(layer_losses=()):
    """Within the block, `compute_loss` adds `layer_losses` and records
    each output's loss in the yielded list."""
    parts: list = []
    tokens = (_LAYER_LOSSES.set(tuple(layer_losses)), _LOSS_PARTS.set(parts))
    try:
        yield parts
    finally:
        _LOSS_PARTS.reset(tokens[1])
        _LAYER_LOSSES.reset(tokens[0])


def _per_output_weights(outputs, sample_weight) -> list:
    if sample_weight is None:
        return [None] * len(outputs)
    if isinstance(sample_weight, (list, tuple, dict)):
        return outputs.flatten(sample_weight, "sample_weight")
    return [sample_weight] * len(outputs)


def compute_loss(model, x, y, y_pred, sample_weight=None):
    """The compiled loss (padding rows left out) plus the layer losses."""
    del x  # Part of Keras' signature; the compiled losses don't use it.
    outputs = model._compiled_metrics.outputs
    if model._compile_loss.has_loss:
        total, parts = model._compile_loss.compute(
            outputs.flatten(y),
            outputs.flatten(y_pred, "y_pred"),
            _per_output_weights(outputs, sample_weight),
        )
    else:  # compile(loss=None): only the layers' losses, as in Keras.
        total, parts = jnp.zeros((), config.floatx()), []
    sink = _LOSS_PARTS.get()
    if sink is not None:
        sink[:] = parts
    for extra in _LAYER_LOSSES.get():
        total = total + jnp.asarray(extra, total.dtype)
    return total


def _num_real(y_pred) -> jax.Array:
    batch_size = jax.tree_util.tree_leaves(y_pred)[0].shape[0]
    return jnp.sum(padding_mask(batch_size))


def train_step(model, state, data):
    """One optimization step: forward, loss, gradients, update, metrics."""
    trainable, non_trainable, optimizer_values, metric_values = state
    x, y, sample_weight = unpack_x_y_sample_weight(data)

    def loss_fn(trainable_values):
        y_pred, new_non_trainable, losses = model.stateless_call(
            trainable_values,
            non_trainable,
            x,
            training=True,
            return_losses=True,
        )
        with collecting_loss_parts(losses) as parts:
            loss = model.compute_loss(x, y, y_pred, sample_weight)
        return loss, (y_pred, new_non_trainable, parts)

    grad_fn = jax.value_and_grad(loss_fn, has_aux=True)
    (loss, (y_pred, non_trainable, parts)), grads = grad_fn(trainable)
    trainable, optimizer_values = model.optimizer.stateless_apply(
        optimizer_values, grads, trainable
    )
    metric_values = model._compiled_metrics.update(
        metric_values, loss, parts, _num_real(y_pred), y, y_pred, sample_weight
    )
    logs = model._compiled_metrics.results(metric_values)
    return logs, (trainable, non_trainable, optimizer_values, metric_values)


def test_step(model, state, data):
    """Forward pass, loss and metrics, without any update of the weights.

    `state` is `(trainable, non_trainable, metrics)`, as in Keras' JAX
    trainer (no optimizer values); the same three come back.
    """
    trainable, non_trainable, metric_values = state
    x, y, sample_weight = unpack_x_y_sample_weight(data)
    y_pred, non_trainable, losses = model.stateless_call(
        trainable, non_trainable, x, training=False, return_losses=True
    )
    with collecting_loss_parts(losses) as parts:
        loss = model.compute_loss(x, y, y_pred, sample_weight, training=False)
    metric_values = model._compiled_metrics.update(
        metric_values, loss, parts, _num_real(y_pred), y, y_pred, sample_weight
    )
    logs = model._compiled_metrics.results(metric_values)
    return logs, (trainable, non_trainable, metric_values)


def predict_step(model, state, data):
    """The model's outputs for a batch: `(outputs, non_trainable)`.

    `state` is `(trainable, non_trainable)`, as in Keras' JAX trainer.
    """
    trainable, non_trainable = state[0], state[1]
    x, _, _ = unpack_x_y_sample_weight(data)
    return model.stateless_call(trainable, non_trainable, x, training=False)
