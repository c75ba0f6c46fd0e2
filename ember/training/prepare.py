"""What runs before any state changes: checks, and building from data.

`prepare` builds the model, its metrics and its optimizer from the first
sample of the data, and checks sparse labels against the number of classes,
so that bad input fails before a single weight moves.
"""

import jax
import numpy as np


def check_compiled(model, what: str) -> None:
    if not getattr(model, "compiled", False):
        raise ValueError(
            f'Model "{model.name}" must be compiled before `{what}()`: call '
            "`model.compile(optimizer=..., loss=...)` first."
        )


def _is_sparse_crossentropy(loss) -> bool:
    fn = getattr(loss, "fn", None)
    return getattr(fn, "__name__", "") == "sparse_categorical_crossentropy"


def _check_sparse_labels(model, y, num_classes: int, where: str) -> None:
    """Raises when integer labels fall outside `[0, num_classes)`.

    Only for a sparse categorical crossentropy loss; runs on the host,
    before any state changes (out-of-range labels would silently give a
    wrong loss on an accelerator).
    """
    loss = model._compile_loss
    if y is None or not _is_sparse_crossentropy(loss):
        return
    labels = np.asarray(jax.tree_util.tree_leaves(y)[0])
    if labels.size == 0:
        return
    ignore = getattr(loss, "_fn_kwargs", {}).get("ignore_class")
    if ignore is not None:
        labels = labels[labels != ignore]
        if labels.size == 0:
            return
    low, high = labels.min(), labels.max()
    bad = low if low < 0 else high if high >= num_classes else None
    if bad is not None:
        raise ValueError(
            f"Received a label value of {bad.item()} in `{where}`, which is "
            f"outside the valid range of [0, {num_classes - 1}] for the "
            f'sparse categorical crossentropy loss: model "{model.name}" '
            f"outputs {num_classes} classes (the last dimension of its "
            "output). Labels must be integers in [0, num_classes)."
        )


def build_from(model, data):
    """Builds `model` on its first sample if needed; returns that sample."""
    x = jax.tree_util.tree_map(lambda a: a[:1], data.x)
    if not model.built:
        model(x)
    return x


def prepare(model, data, val_data=None) -> None:
    """Builds the model, the optimizer and the metrics from one batch.

    Also checks sparse labels (of `data` and `val_data`) against the
    model's number of classes, before any weight changes.
    """
    x = build_from(model, data)
    y_pred = jax.eval_shape(lambda inputs: model(inputs), x)
    y_shape = jax.tree_util.tree_leaves(data.y)[0].shape
    pred_shape = jax.tree_util.tree_leaves(y_pred)[0].shape
    if len(jax.tree_util.tree_leaves(y_pred)) != 1:
        raise NotImplementedError(
            f'Model "{model.name}" has several outputs; training them is not '
            "supported yet."
        )
    num_classes = pred_shape[-1] if pred_shape else 1
    _check_sparse_labels(model, data.y, num_classes, "y")
    if val_data is not None:
        _check_sparse_labels(model, val_data.y, num_classes, "validation_data")
    model._compiled_metrics.build(model._compile_loss, y_shape, pred_shape)
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
