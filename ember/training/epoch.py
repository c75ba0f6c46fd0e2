"""Running chunks of compiled steps over one epoch, and the state around it.

The state is four flat lists of values (trainable, non-trainable,
optimizer, metrics), gathered from the variables once per epoch, fed
through the compiled chunks and written back after each chunk.
"""

import jax
import numpy as np

from ember.callbacks.callback import overrides_batch_hooks
from ember.training import compiled

# Without per-batch callbacks, chunks of this many steps (at most an epoch)
# keep Python out of the hot loop; "auto" will later size them by time.
AUTO_STEPS = 16


def steps_per_chunk(model, callbacks: list, num_steps: int) -> int:
    setting = model._steps_per_execution
    if any(overrides_batch_hooks(c) for c in callbacks):
        return 1
    if setting == "auto":
        return max(1, min(AUTO_STEPS, num_steps))
    return max(1, min(int(setting), num_steps))


def variable_groups(model) -> tuple:
    """The four variable lists of the state, in Keras' order."""
    return (
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
        model._compiled_metrics.variables,
    )


def fresh_state(groups: tuple, model) -> tuple:
    """The current values of the four groups, metrics freshly reset."""
    values = tuple([v.value for v in group] for group in groups[:3])
    return (*values, model._compiled_metrics.reset_values())


def assign_state(state, groups: tuple) -> None:
    """Writes the state back into the variables of `groups`."""
    for variables, values in zip(groups, state, strict=True):
        for variable, value in zip(variables, values, strict=True):
            variable.assign(value)


def logs_at(model, logs: dict, index: int) -> dict:
    """Step `index`'s logs as floats, keyed in sorted order (as Keras on
    JAX gives them: its logs come out of a jitted function too)."""
    del model
    return {k: float(np.asarray(logs[k])[index]) for k in sorted(logs)}


def _first_non_finite(chunk_logs, num_steps: int) -> int | None:
    """The first real step whose logged loss is NaN or infinite, if any."""
    loss = chunk_logs.get("loss")
    if loss is None:
        return None
    bad = ~np.isfinite(np.asarray(loss)[:num_steps])
    return int(np.argmax(bad)) if bad.any() else None


def _rollback(model, function, previous, chunk, good_steps: int):
    """Re-runs the first `good_steps` steps of `chunk` from `previous`.

    Masked steps leave the state untouched, so this is the state just
    before the step whose loss became non-finite.
    """
    if good_steps == 0:
        return previous
    step_mask = np.array(chunk.step_mask, copy=True)
    step_mask[good_steps:] = 0
    replay = chunk._replace(step_mask=step_mask, num_steps=good_steps)
    _, state = function(previous, jax.device_put(replay))
    return state


def run_epoch(
    model, function, iterator, epoch, k, callbacks, hook, rollback=False
) -> dict:
    """One pass of chunks. With `rollback` (a non-donating `function`),
    a chunk whose loss becomes non-finite is undone back to the last
    finite step and the epoch stops there."""
    groups = variable_groups(model)
    state = fresh_state(groups, model)
    logs, step = {}, 0
    for chunk in iterator.chunks(epoch, k):
        getattr(callbacks, f"on_{hook}_batch_begin")(step)
        previous = state
        chunk_logs, state = function(state, jax.device_put(chunk))
        chunk_logs = jax.device_get(chunk_logs)
        bad = (
            _first_non_finite(chunk_logs, chunk.num_steps) if rollback else None
        )
        if bad is not None:
            state = _rollback(model, function, previous, chunk, bad)
            assign_state(state, groups)
            step += bad + 1
            logs = logs_at(model, chunk_logs, bad)
            model.stop_training = True
            getattr(callbacks, f"on_{hook}_batch_end")(step - 1, logs)
            break
        assign_state(state, groups)
        step += chunk.num_steps
        logs = logs_at(model, chunk_logs, chunk.num_steps - 1)
        getattr(callbacks, f"on_{hook}_batch_end")(step - 1, logs)
        if hook == "train" and model.stop_training:
            break
    return logs


def train_function(model):
    if model._train_function is None:
        model._train_function = compiled.make_chunk_function(
            model.train_step, jit_compile=not model._run_eagerly
        )
    return model._train_function


def keeping_train_function(model):
    """The train chunk function without buffer donation, so that the state
    from before a chunk survives it (for `TerminateOnNaN`'s rollback).

    An outer `jax.jit` makes the inner one's donation a no-op."""
    if getattr(model, "keeping_train_function", None) is None:
        inner = compiled.make_chunk_function(
            model.train_step, jit_compile=not model._run_eagerly
        )
        model._keeping_train_function = (
            inner if model._run_eagerly else jax.jit(inner)
        )
    return model._keeping_train_function


def test_function(model):
    if model._test_function is None:
        model._test_function = compiled.make_chunk_function(
            model.test_step, jit_compile=not model._run_eagerly
        )
    return model._test_function


def flatten_logs(model, logs: dict, return_dict: bool):
    """`logs` as returned by `evaluate` and `*_on_batch`: the dict, or a
    list in Keras' order (a single value when there is one)."""
    if return_dict:
        return logs
    values = model._compiled_metrics.ordered(logs)
    return values[0] if len(values) == 1 else values
