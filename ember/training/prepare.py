"""What runs before any state changes: checks, and building from data.

`prepare` builds the model, its losses, metrics and optimizer from the
first sample of the data, checks that the targets match the model's
outputs, and checks sparse labels against the number of classes, so that
bad input fails before a single weight moves.
"""

import jax
import numpy as np

from ember.core.state_scope import StateScope
from ember.training import checks
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


def _probe_rows(data, batch_size: int | None) -> int:
    """How many rows to build and trace with: one batch, so that shape
    errors show the batch shape the user's steps would see."""
    rows = data.num_samples
    return rows if batch_size is None else max(1, min(batch_size, rows))


def build_from(model, data, batch_size: int | None = None):
    """Builds `model` on its first batch if needed; returns a stand-in
    (shapes and dtypes) of that batch."""
    rows = _probe_rows(data, batch_size)
    if not model.built:
        model(jax.tree_util.tree_map(lambda a: a[:rows], data.x))
    return jax.tree_util.tree_map(
        lambda a: jax.ShapeDtypeStruct((rows, *a.shape[1:]), a.dtype), data.x
    )


def _shape_call(model, inputs):
    """Calls the model for its output shapes; what it assigns (a seed
    generator drawing dropout masks, a stateful RNN's states) is dropped."""
    with StateScope():
        return model(inputs)


def _output_specs(model, x) -> tuple:
    """The model's `Outputs` and prediction shapes for inputs like `x`.

    Traced once per input signature and compile (the cache lives on the
    `Compiled` object, which `compile` replaces).
    """
    leaves, treedef = jax.tree_util.tree_flatten(x)
    key = (treedef, tuple((a.shape[1:], str(a.dtype)) for a in leaves))
    cache = model._compiled.spec_cache
    if key not in cache:
        y_pred = jax.eval_shape(lambda inputs: _shape_call(model, inputs), x)
        outputs = outputs_of(model, y_pred)
        shapes = [p.shape for p in predictions(outputs, y_pred)]
        cache[key] = (outputs, shapes)
    return cache[key]


def prepare(
    model,
    data,
    val_data=None,
    batch_size: int | None = None,
    val_batch_size: int | None = None,
    what: str = "fit",
    source: str | None = None,
) -> None:
    """Builds the model, the losses, metrics and optimizer from one batch.

    Checks first, before any weight changes: that there are samples, that
    the validation inputs fit the model, that the targets (of `data` and
    `val_data`) have one entry per output with shapes the losses accept,
    and that sparse labels fit the model's number of classes.

    Args:
        model: the compiled model.
        data: the `ArrayData` (or a generator's first batch).
        val_data: the validation `ArrayData` (or first batch), or None.
        batch_size: the rows of one batch (None: all of `data`), used to
            build and trace with the user's batch shape.
        val_batch_size: the same for `val_data`.
        what: the method called, for messages.
        source: what gave `data`'s batches (`"a generator"`, `"a torch
            DataLoader"`...), for messages; None for in-memory data.
    """
    checks.check_not_empty(model, data, what)
    if val_data is not None:
        checks.check_not_empty(model, val_data, what, "validation_data")
    outputs, pred_shapes = _output_specs(
        model, build_from(model, data, batch_size)
    )
    checked = []
    if val_data is not None:
        rows = _probe_rows(val_data, val_batch_size or batch_size)
        val_x = jax.tree_util.tree_map(
            lambda a: jax.ShapeDtypeStruct((rows, *a.shape[1:]), a.dtype),
            val_data.x,
        )
        _, val_shapes = _output_specs(model, val_x)
    if data.y is None:
        if model._compiled.needs_targets:
            received = (
                "`x` alone (y=None)"
                if source is None
                else f"{source} whose batches hold only x; expected batches "
                "(x, y) or (x, y, sample_weight)"
            )
            raise ValueError(
                f'Model "{model.name}" was compiled with a loss or metrics, '
                f"so training and evaluation need targets `y`; received "
                f"{received}."
            )
        y_shapes = [None] * len(outputs)
    else:
        checked.append(("y", outputs.flatten(data.y), pred_shapes))
        y_shapes = [np.shape(y) for y in checked[0][1]]
    if val_data is not None and val_data.y is not None:
        checked.append(
            (
                "validation_data",
                outputs.flatten(val_data.y, "validation y"),
                val_shapes,
            )
        )
    compiled = model._compiled
    compiled.build(outputs, y_shapes, pred_shapes)
    losses = [compiled.loss.loss_for(i) for i in range(len(outputs))]
    for where, flat_y, shapes in checked:
        label = "y" if where == "y" else "validation_data's y"
        checks.check_targets(
            model, losses, flat_y, shapes, label, outputs.names
        )
        for index, labels in enumerate(flat_y):
            shape = shapes[index]
            _check_sparse_labels(
                model,
                losses[index],
                labels,
                shape[-1] if shape else 1,
                where,
            )
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
