"""The losses a layer adds: its own `add_loss` calls, activity and weight
penalties.

Outside pure code, added losses are kept on the layer (`layer._losses`)
until its next outermost call; inside a state scope (`stateless_call`) they
are recorded in the scope and never stored on the layer.
"""

from typing import Any

import jax

from ember.core.state_scope import current_scope
from ember.layers._tracking import flatten_layers


def add_loss(layer, loss: Any) -> None:
    """Records `loss` for `layer`, in the state scope if one is active."""
    scope = current_scope()
    if scope is not None:
        scope.add_loss(layer, loss)
    else:
        layer._losses.append(loss)


def add_activity_losses(layer, outputs: Any) -> None:
    """Adds the activity penalty of each output, per sample, as Keras."""
    for output in jax.tree_util.tree_leaves(outputs):
        if not hasattr(output, "ndim"):
            continue
        loss = layer.activity_regularizer(output)
        if output.ndim > 0:
            loss = loss / output.shape[0]
        layer.add_loss(loss)


def _own_losses(layer) -> list:
    scope = current_scope()
    if scope is not None:
        return scope.losses_of(layer)
    return list(layer._losses)


def clear_losses(layer) -> None:
    """Forgets the losses added by `layer` and its sublayers."""
    layer._losses.clear()
    for sublayer in flatten_layers(layer):
        sublayer._losses.clear()


def collect_losses(layer) -> list:
    """Added losses of `layer` and its sublayers, then weight penalties.

    Penalties are computed from the current values, so inside
    `stateless_call` they are differentiable functions of the values passed
    in.
    """
    losses = _own_losses(layer)
    for sublayer in flatten_layers(layer):
        losses.extend(_own_losses(sublayer))
    for variable in layer.trainable_weights:
        regularizer = getattr(variable, "regularizer", None)
        if regularizer is not None:
            losses.append(regularizer(variable.value))
    return losses
