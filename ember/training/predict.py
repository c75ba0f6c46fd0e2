"""`predict` and `predict_on_batch`: the model's outputs, in batches."""

from typing import Any

import jax
import numpy as np

from ember.training import compiled
from ember.training import epoch
from ember.training import prepare
from ember.training.data import ArrayIterator
from ember.training.data import adapt
from ember.training.data import check_batch_size


def predict(
    model,
    x: Any,
    batch_size: int | None = None,
    verbose: Any = "auto",
    steps: int | None = None,
    callbacks: list | None = None,
):
    """Runs `model` on `x` in batches; see `Model.predict`."""
    batch_size = check_batch_size(batch_size)
    data = adapt(x)
    prepare.build_from(model, data)
    iterator = ArrayIterator(
        data, batch_size=batch_size, shuffle=False, steps_per_epoch=steps
    )
    if getattr(model, "_predict_function", None) is None:
        model._predict_function = compiled.make_predict_function(
            model.predict_step,
            jit_compile=not getattr(model, "_run_eagerly", False),
        )
    state = (
        [v.value for v in model.trainable_variables],
        [v.value for v in model.non_trainable_variables],
    )
    k = max(1, min(epoch.AUTO_STEPS, iterator.num_steps))
    parts = []
    for chunk in iterator.chunks(0, k):
        outputs = model._predict_function(state, jax.device_put(chunk))
        outputs = jax.device_get(outputs)
        mask = np.asarray(chunk.batch.mask).astype(bool)
        parts.append(
            jax.tree_util.tree_map(
                lambda o, m=mask: o.reshape((-1,) + o.shape[2:])[m.reshape(-1)],
                outputs,
            )
        )
    return jax.tree_util.tree_map(lambda *p: np.concatenate(p), *parts)


def predict_on_batch(model, x: Any):
    """The model's outputs for exactly this batch, as numpy arrays."""
    data = adapt(x)
    return predict(model, data.x, batch_size=data.num_samples, verbose=0)
