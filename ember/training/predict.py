"""`predict` and `predict_on_batch`: the model's outputs, in batches.

One jitted call per batch (see `predict_runner`), with no host work in
between beyond slicing: each call is dispatched without waiting for the
previous one, and the outputs are pulled to the host once, at the end.

- When all of `x` fits in one batch, it runs as one call on `x` as given
  (no padding, no copy): one compiled program per input shape, as in Keras,
  which keeps one-sample latency low.
- Otherwise every batch has `batch_size` rows, so one program serves any
  number of samples: the last, partial batch is taken as the last
  `batch_size` rows of `x` and only its new rows are kept. Batches are
  numpy views handed to the jitted call; on an accelerator, `x` is first
  moved to the device once (when under `_MAX_DEVICE_BYTES`) and batches
  are sliced there. On CPU, views were measured faster than a device copy
  sliced on the device (founding MLP, 8,192 samples in batches of 32:
  6.3 ms against 8.8 ms).
- Each batch is one call, whatever its working set: splitting the founding
  CNN's batches of 256 into calls of 32 rows (to stay in cache) once ran
  faster, but with jax 0.10 it ran at 20k samples/s against 30k whole.
- Several steps per compiled execution (`steps_per_execution`) are not used
  here: on CPU an unrolled program of several forward passes ran slower
  than the same passes dispatched one by one.
"""

import functools
import warnings
from typing import Any

import jax
import numpy as np

from ember.callbacks import CallbackList
from ember.core.host import to_numpy
from ember.training.data import PyDataset
from ember.training.data import adapt
from ember.training.data import check_batch_size
from ember.training.data import dataset_kind
from ember.training.data import describe_source
from ember.training.data import host_iterator
from ember.training.data import is_generator
from ember.training.data import unpack_x_y_sample_weight
from ember.training.host import through_host
from ember.training.predict_runner import runner_for

# Larger inputs stay on the host on accelerators too, sliced per batch.
_MAX_DEVICE_BYTES = 1 << 30


def _standardize(model, x: Any) -> Any:
    """`x` as arrays: a numpy or JAX array passes as is; anything else
    goes through `adapt`, which validates and converts it. Then the
    model's host stage, if it has one."""
    if not (
        isinstance(x, np.ndarray | jax.Array) and x.ndim and x.dtype != object
    ):
        x = adapt(x).x
    return through_host(model, x)


def _num_samples(x: Any) -> int:
    if isinstance(x, np.ndarray | jax.Array):
        return int(x.shape[0])
    return int(jax.tree_util.tree_leaves(x)[0].shape[0])


def _build(model, x: Any, rows: int = 1) -> None:
    """Builds `model` on the first `rows` samples (one batch, so that a
    shape error shows the user's batch shape)."""
    if not model.built:
        model(jax.tree_util.tree_map(lambda a: a[:rows], x))


def _to_numpy(outputs: Any) -> Any:
    """Writable numpy copies of the (device) outputs, in their structure."""
    if isinstance(outputs, jax.Array):
        return np.array(outputs)
    return jax.tree_util.tree_map(np.array, outputs)


def _on_device(x: Any) -> bool:
    """Whether to slice batches on the device rather than on the host."""
    leaves = jax.tree_util.tree_leaves(x)
    if all(isinstance(a, np.ndarray) for a in leaves):
        return jax.default_backend() != "cpu" and (
            sum(a.nbytes for a in leaves) <= _MAX_DEVICE_BYTES
        )
    return jax.default_backend() != "cpu"


@functools.partial(jax.jit, static_argnums=2)
def _gather(x: Any, start: Any, rows: int) -> Any:
    return jax.tree_util.tree_map(
        lambda a: jax.lax.dynamic_slice_in_dim(a, start, rows), x
    )


def _slicer(x: Any, rows: int):
    """`take(start)`: the `rows` rows of `x` from `start` on."""
    if _on_device(x):
        x = jax.device_put(x)
        return lambda start: _gather(x, start, rows)
    x = jax.tree_util.tree_map(np.asarray, x)
    if isinstance(x, np.ndarray):
        return lambda start: x[start : start + rows]
    return lambda start: jax.tree_util.tree_map(
        lambda a: a[start : start + rows], x
    )


def _concatenate(parts: list) -> Any:
    """One numpy array per output from the batches' `(outputs, keep)`,
    keeping only the last `keep` rows of a batch where `keep` is set."""
    leaves, treedef = jax.tree_util.tree_flatten(parts[0][0])
    columns = [[] for _ in leaves]
    for outputs, keep in parts:
        for column, leaf in zip(
            columns, jax.tree_util.tree_leaves(outputs), strict=True
        ):
            leaf = to_numpy(leaf)
            column.append(leaf if keep is None else leaf[len(leaf) - keep :])
    return jax.tree_util.tree_unflatten(
        treedef, [np.concatenate(column) for column in columns]
    )


def _tail(outputs: Any, keep: int) -> Any:
    return jax.tree_util.tree_map(lambda a: a[a.shape[0] - keep :], outputs)


def _callback_list(model, callbacks, verbose, steps) -> CallbackList | None:
    """The callbacks to call, or None when nothing would observe them."""
    if not callbacks and verbose == 0:
        return None
    if isinstance(callbacks, CallbackList):
        return callbacks
    return CallbackList(
        callbacks,
        add_progbar=verbose != 0,
        model=model,
        verbose=verbose,
        epochs=1,
        steps=steps,
    )


def predict(
    model,
    x: Any,
    batch_size: int | None = None,
    verbose: Any = "auto",
    steps: int | None = None,
    callbacks: list | None = None,
) -> Any:
    """Runs `model` on `x` in batches; see `Model.predict`.

    Args:
        model: the model.
        x: an array, a list of numbers, or a list/tuple/dict of arrays for
            a model with several inputs.
        batch_size: samples per batch (default 32).
        verbose: 0 is silent; 1 or `"auto"` shows a progress bar.
        steps: at most this many batches; None for all of `x`.
        callbacks: callbacks whose `on_predict_*` hooks are called.

    Returns:
        The outputs as numpy arrays, in the structure the model returns
        (one array, a list or a dict).
    """
    batch_size = check_batch_size(batch_size)
    if steps is not None:
        steps = check_batch_size(steps, None, "steps")
    if isinstance(x, PyDataset) or dataset_kind(x) is not None:
        source = host_iterator(x)
        steps = steps or source.num_steps
        return _predict_generator(
            model, source.items(), verbose, steps, callbacks, x
        )
    if is_generator(x):
        return _predict_generator(model, x, verbose, steps, callbacks, x)
    x = _standardize(model, x)
    num_samples = _num_samples(x)
    if num_samples == 0:
        raise ValueError(
            f'Model "{model.name}" cannot predict on an empty input: `x` has '
            "0 samples."
        )
    _build(model, x, min(batch_size, num_samples))
    runner = runner_for(model)
    num_batches = -(-num_samples // batch_size)
    callback_list = _callback_list(
        model, callbacks, verbose, steps or num_batches
    )
    if steps is not None and steps > num_batches:
        warnings.warn(
            f"predict ran out of data: `x` holds {num_batches} batches of "
            f"{batch_size} samples, fewer than steps={steps}; stopping "
            "after the last one.",
            stacklevel=3,
        )
    num_batches = min(num_batches, steps or num_batches)
    model.stop_predicting = False
    if callback_list is not None:
        callback_list.on_predict_begin()  # before the weights are read
    state = runner.state()
    take = None if num_samples <= batch_size else _slicer(x, batch_size)
    parts = []
    for step in range(num_batches):
        if callback_list is not None:
            callback_list.on_predict_batch_begin(step)
        start, keep = step * batch_size, None
        if take is None:
            batch = x
        elif start + batch_size <= num_samples:
            batch = take(start)
        else:
            keep = num_samples - start
            batch = take(num_samples - batch_size)
        outputs, state = runner.run(state, batch)
        parts.append((outputs, keep))
        if callback_list is not None:
            if keep is not None:
                outputs = _tail(outputs, keep)
            callback_list.on_predict_batch_end(step, {"outputs": outputs})
        if model.stop_predicting:
            break
    runner.write_back(state)
    if callback_list is not None:
        callback_list.on_predict_end()
    if len(parts) == 1 and parts[0][1] is None:
        return _to_numpy(parts[0][0])
    return _concatenate(parts)


def _predict_generator(model, batches, verbose, steps, callbacks, given) -> Any:
    """`predict` over a generator of batches (`x`, `(x,)` or `(x, y, ...)`,
    whose `x` is used), batch by batch as it yields them; `given` is what
    the user passed (named in messages)."""
    callback_list = _callback_list(model, callbacks, verbose, steps)
    if callback_list is not None:
        callback_list.on_predict_begin()
    model.stop_predicting = False
    runner, state, parts = None, None, []
    for step, item in enumerate(batches):
        if steps is not None and step >= steps:
            break
        x = _standardize(model, unpack_x_y_sample_weight(item)[0])
        if runner is None:
            _build(model, x, _num_samples(x))
            runner = runner_for(model)
            state = runner.state()
        if callback_list is not None:
            callback_list.on_predict_batch_begin(step)
        outputs, state = runner.run(state, x)
        parts.append((outputs, None))
        if callback_list is not None:
            callback_list.on_predict_batch_end(step, {"outputs": outputs})
        if model.stop_predicting:
            break
    if runner is None:
        raise ValueError(
            f'Model "{model.name}" cannot predict: `x` is '
            f"{describe_source(given)} that yielded no batch; expected at "
            "least one batch x, (x,) or (x, y)."
        )
    runner.write_back(state)
    if callback_list is not None:
        callback_list.on_predict_end()
    return _concatenate(parts)


def predict_on_batch(model, x: Any) -> Any:
    """The model's outputs for exactly this batch; see
    `Model.predict_on_batch`.

    Args:
        model: the model.
        x: the inputs, as for `predict`; all of them form one batch.

    Returns:
        The outputs as numpy arrays, in the structure the model returns.
    """
    x = _standardize(model, x)
    _build(model, x, _num_samples(x))
    runner = runner_for(model)
    outputs, state = runner.run(runner.state(), x)
    runner.write_back(state)
    return _to_numpy(outputs)
