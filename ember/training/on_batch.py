"""`train_on_batch` and `test_on_batch`: one step on exactly one batch."""

from typing import Any

import jax

from ember.callbacks.callback_list import pythonify_logs
from ember.training import prepare
from ember.training import sharding
from ember.training import state as state_lib
from ember.training.data import make_batch
from ember.training.data import stack_chunks
from ember.training.host import adapt_for
from ember.training.logs import flatten_logs
from ember.training.loop import chunk_function


def _one_batch_chunk(data):
    """A chunk of exactly one step holding every sample of `data`."""
    batch = make_batch(data.x, data.y, data.sample_weight, data.num_samples)
    return next(stack_chunks([batch], 1))


def _run_one_batch(model, function, data) -> dict:
    """Runs one step on `data` with freshly reset metrics (as Keras'
    `*_on_batch` do), writes the state back and returns the step's logs."""
    groups = state_lib.variable_groups(model)
    state = state_lib.fresh_state(groups, model)
    chunk = _one_batch_chunk(data)
    chunk_logs, state = function(state, sharding.put_chunk(chunk))
    state_lib.assign_state(state, groups)
    return pythonify_logs(jax.device_get(chunk_logs).logs)


def train_on_batch(
    model,
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    class_weight: dict | None = None,
    return_dict: bool = False,
):
    """One training step on exactly this batch; see `Model.train_on_batch`."""
    prepare.check_compiled(model, "train_on_batch")
    data = adapt_for(model, x, y, sample_weight, class_weight)
    prepare.prepare(model, data, what="train_on_batch")
    logs = _run_one_batch(model, chunk_function(model, "train"), data)
    return flatten_logs(model, logs, return_dict)


def test_on_batch(
    model,
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    return_dict: bool = False,
):
    """One evaluation step on exactly this batch; see `Model.test_on_batch`."""
    prepare.check_compiled(model, "test_on_batch")
    data = adapt_for(model, x, y, sample_weight)
    prepare.prepare(model, data, what="test_on_batch")
    logs = _run_one_batch(model, chunk_function(model, "test"), data)
    return flatten_logs(model, logs, return_dict)
