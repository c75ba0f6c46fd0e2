"""What runs before any state changes: checks, and building from data.

`prepare` builds the model, its losses, metrics and optimizer from the
first sample of the data, checks that the targets match the model's
outputs, and checks sparse labels against the number of classes, so that
bad input fails before a single weight moves.
"""

import jax
import numpy as np

from ember.training.outputs import outputs_of
from ember.training.outputs import predictions


def check_compiled(model, what: str) -> None:
    """Raises a ValueError when `model` has not been compiled."""
    if not getattr(model, "compiled", False):
        raise ValueError(
            f'Model "{model.name}" must be compiled before `{what}()`: call '
            "`model.compile(optimizer=..., loss=...)` first."
        )


def _is_sparse_crossentropy(loss) -> bool:
    fn = getattr(loss, "fn", None)
    return getattr(fn, "__name__", "") == "sparse_categorical_crossentropy"


def _check_sparse_labels(model, loss, labels, num_classes, where) -> None:
    """Raises when integer labels fall outside `[0, num_classes)`.

    Only for a sparse categorical crossentropy loss; runs on the host,
    before any state changes (out-of-range labels would silently give a
    wrong loss on an accelerator).
    """
    if labels is None or not _is_sparse_crossentropy(loss):
        return
    labels = np.asarray(labels)
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


def _output_specs(model, x) -> tuple:
    """The model's `Outputs` and prediction shapes for inputs like `x`.

    Traced once per input signature and compile (the cache lives on the
    compiled metrics, which `compile` replaces).
    """
    leaves, treedef = jax.tree_util.tree_flatten(x)
    key = (treedef, tuple((a.shape[1:], str(a.dtype)) for a in leaves))
    cache = model._compiled_metrics.spec_cache
    if key not in cache:
        y_pred = jax.eval_shape(lambda inputs: model(inputs), x)
        outputs = outputs_of(model, y_pred)
        shapes = [p.shape for p in predictions(outputs, y_pred)]
        cache[key] = (outputs, shapes)
    return cache[key]


def prepare(model, data, val_data=None) -> None:
    """Builds the model, the losses, metrics and optimizer from one batch.

    Also checks that the targets (of `data` and `val_data`) have one entry
    per output and that sparse labels fit the model's number of classes,
    before any weight changes.
    """
    outputs, pred_shapes = _output_specs(model, build_from(model, data))
    if data.y is None:
        raise ValueError(
            f'Model "{model.name}" was compiled with a loss, so training and '
            "evaluation need targets `y`."
        )
    checked = [("y", outputs.flatten(data.y))]
    if val_data is not None:
        checked.append(
            ("validation_data", outputs.flatten(val_data.y, "validation y"))
        )
    y_shapes = [np.shape(y) for y in checked[0][1]]
    compiled = model._compiled_metrics
    compiled.build(outputs, y_shapes, pred_shapes)
    for where, flat_y in checked:
        for index, labels in enumerate(flat_y):
            shape = pred_shapes[index]
            _check_sparse_labels(
                model,
                model._compile_loss.loss_for(index),
                labels,
                shape[-1] if shape else 1,
                where,
            )
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
