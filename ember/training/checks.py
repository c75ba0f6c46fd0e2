"""Host-side checks of training data against the model, before any step.

`prepare` runs them once per `fit` / `evaluate` / `*_on_batch` call, on
shapes only, so that data that cannot work fails with a message naming
both shapes before a single weight moves (instead of broadcasting into a
wrong loss, or failing inside a compiled step).
"""

from typing import Any

import jax
import numpy as np

from ember.losses.loss import Loss

# Built-in loss functions that compare `y_true` and `y_pred` element by
# element: their shapes must agree (up to a trailing axis of size 1).
_FUNCTIONS_MODULE = "ember.losses._functions"
_SPARSE = "sparse_categorical_crossentropy"


def check_not_empty(model, data, what: str, where: str = "x") -> None:
    """Raises a ValueError when `data` holds no samples.

    Args:
        model: the model (named in the message).
        data: an `ArrayData`.
        what: the method called (`"fit"`, `"evaluate"`...).
        where: the argument holding the data (`"x"`, `"validation_data"`).
    """
    leaves = jax.tree_util.tree_leaves(data.x)
    if leaves and np.shape(leaves[0])[0] == 0:
        shapes = [tuple(np.shape(a)) for a in leaves]
        shown = shapes[0] if len(shapes) == 1 else shapes
        raise ValueError(
            f'Model "{model.name}" cannot {what} on 0 samples: `{where}` is '
            f"empty (shape {shown}). Pass at least one sample."
        )


def _loss_function_name(loss: Any) -> str | None:
    """The name of a built-in loss function behind `loss`, else None."""
    fn = getattr(loss, "fn", None)
    if fn is None or getattr(fn, "__module__", None) != _FUNCTIONS_MODULE:
        return None
    return fn.__name__


def _shown(shape: tuple) -> tuple:
    """A prediction shape as the user sees it: unknown batch size."""
    return (None, *shape[1:]) if shape else shape


def _same_after_rank_match(y_shape: tuple, pred_shape: tuple) -> bool:
    """Whether the shapes agree once a trailing axis of size 1 is dropped
    (or added to a rank-1 side), as the losses align them."""
    y, p = tuple(y_shape), tuple(pred_shape)
    if len(y) == len(p) + 1 and y[-1:] == (1,):
        y, p = (y, (*p, 1)) if len(p) == 1 else (y[:-1], p)
    elif len(p) == len(y) + 1 and p[-1:] == (1,):
        y, p = ((*y, 1), p) if len(y) == 1 else (y, p[:-1])
    if len(y) != len(p):
        return False
    return all(a == b or b is None for a, b in zip(y[1:], p[1:], strict=True))


def _sparse_error(model, where, name, y_shape, pred_shape) -> str | None:
    classes = pred_shape[-1] if pred_shape else None
    head = tuple(pred_shape[1:-1])
    if tuple(y_shape[1:]) in (head, (*head, 1)):
        return None
    if len(y_shape) == len(pred_shape) and y_shape[-1] == classes:
        return (
            f'Model "{model.name}": the loss "{name}" takes integer class '
            f"labels of shape {(None, *head)} or {(None, *head, 1)}, but "
            f"`{where}` has shape {tuple(y_shape)}, which looks like one-hot "
            f"labels for the output of shape {_shown(pred_shape)}. Use "
            'loss="categorical_crossentropy" for one-hot labels, or pass '
            "the class indices (for example `np.argmax(y, axis=-1)`)."
        )
    return (
        f'Model "{model.name}": the loss "{name}" takes integer class labels '
        f"of shape {(None, *head)} or {(None, *head, 1)} for the output of "
        f"shape {_shown(pred_shape)}, but `{where}` has shape "
        f"{tuple(y_shape)}."
    )


def target_shape_error(
    model, loss: Loss | None, y_shape: tuple, pred_shape: tuple, where: str
) -> str | None:
    """Why targets of `y_shape` cannot go with predictions of `pred_shape`
    under `loss`, or None when they can (or when `loss` is not built in:
    a user's own loss decides itself what it accepts)."""
    name = _loss_function_name(loss)
    if name is None:
        return None
    y_shape, pred_shape = tuple(y_shape), tuple(pred_shape)
    if name == _SPARSE:
        return _sparse_error(model, where, name, y_shape, pred_shape)
    if _same_after_rank_match(y_shape, pred_shape):
        return None
    return (
        f'Model "{model.name}": `{where}` has shape {y_shape}, but the '
        f"model's output has shape {_shown(pred_shape)}; the loss "
        f'"{name}" compares them element by element, so they must match '
        "(apart from the batch size and a trailing axis of size 1). Give "
        "targets shaped like the output, or change the output layer."
    )


def check_targets(
    model,
    losses: list,
    flat_y: list,
    pred_shapes: list,
    where: str,
    names: tuple,
) -> None:
    """Raises the first `target_shape_error` of the outputs' targets.

    Args:
        losses: each output's `Loss` (or None), in output order.
        flat_y: each output's targets, in output order.
        pred_shapes: each output's prediction shape.
        where: the argument named in the message (`"y"`).
        names: the outputs' names (None for a single output).
    """
    for index, (loss, y) in enumerate(zip(losses, flat_y, strict=True)):
        if y is None:
            continue
        label = where if names[index] is None else f"{where}[{names[index]!r}]"
        error = target_shape_error(
            model, loss, np.shape(y), pred_shapes[index], label
        )
        if error is not None:
            raise ValueError(error)
