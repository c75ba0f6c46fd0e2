"""Running compiled executions over one epoch, and the state around them.

The state is four flat lists of values (trainable, non-trainable,
optimizer, metrics), gathered from the variables once per epoch, fed
through the compiled executions and written back after each one.

How many steps one execution runs (`steps_per_execution`) is decided by
`plan_executions`: 1 when a callback needs every batch hook, the user's
integer, or with `"auto"` as many as keep one execution near
`TARGET_SECONDS`:

- a rolled execution (`unroll=0`) takes its step count as an
  argument, so "auto" times every execution and sizes the next one from
  the measured seconds per step, without ever recompiling;
- a straight-line execution (convolutions on CPU) has its K fixed when
  compiled: "auto" estimates one step's time from XLA's cost analysis of
  the lowered step (its flops over the device's measured matmul speed;
  nothing extra is compiled, so the first fit pays one compile) and picks
  K, at most `MAX_UNROLLED_STEPS` to bound the compile time; on the device
  path, the largest K up to that which divides the epoch's steps, so that
  no execution holds masked steps (see `compiled.make_chunk_function`).
  (Founding CNN on this CPU: 174 MFLOP per step at 74 GFLOP/s estimates
  2.4 ms, as measured.)
"""

import time
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from ember.callbacks.callback import overrides_batch_hooks
from ember.core.state_scope import StateScope
from ember.training import compiled as chunk_lib
from ember.training import steps
from ember.training.data import DeviceFeed
from ember.training.logs import pythonify_logs

# Steps per host chunk with "auto" on the host path (generators, and arrays
# too big for the device), whose chunks are stacked before they run.
AUTO_STEPS = 16
# An "auto" execution aims at this wall time.
TARGET_SECONDS = 0.05
# Straight-line code grows compile time with K (founding CNN: about 0.2 s
# per step on CPU), so K stays at most this: an execution costs the host
# about 0.3 ms, under 2% of 8 steps of a model that runs straight-line
# (steps of milliseconds), while 16 steps would double the compile time.
MAX_UNROLLED_STEPS = 8
# An "auto" execution grows at most this much over the previous one, so a
# too-short first measurement cannot make one execution run for long.
_MAX_GROWTH = 16

# What "auto" learned per compiled function: whether it runs straight-line
# code, its K per batch shape, and the seconds one rolled step takes.
_LEARNED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_FLOPS_PER_SECOND: float | None = None


class StepSizer:
    """Says how many steps the next execution runs; learns from timings.

    Args:
        fixed: a fixed number of steps, or None to size by time.
        learned: the dict of what was learned about the function; its
            `"seconds"` (per step) is read and updated.
    """

    def __init__(self, fixed: int | None = None, learned: dict | None = None):
        self.fixed = fixed
        self.learned = {} if learned is None else learned
        self._last = self.learned.get("steps", 1)

    def __call__(self, remaining: int) -> int:
        if self.fixed is not None:
            return self.fixed
        seconds = self.learned.get("seconds")
        steps = 1 if not seconds else int(TARGET_SECONDS / seconds)
        self._last = max(1, min(steps, self._last * _MAX_GROWTH, remaining))
        return self._last

    def record(self, num_steps: int, seconds: float) -> None:
        if self.fixed is None:
            self.learned["seconds"] = seconds / num_steps
            self.learned["steps"] = max(num_steps, self.learned.get("steps", 1))


def _learned(function) -> dict:
    try:
        return _LEARNED.setdefault(function, {})
    except TypeError:  # Not weak-referenceable: learn within this run.
        return {}


def _flops_per_second() -> float:
    """The default device's speed on a 512x512 matmul, measured once."""
    global _FLOPS_PER_SECOND
    if _FLOPS_PER_SECOND is None:
        a = jnp.ones((512, 512), "float32")
        matmul = jax.jit(lambda a: a @ a)
        jax.block_until_ready(matmul(a))
        times = []
        for _ in range(3):
            started = time.perf_counter()
            jax.block_until_ready(matmul(a))
            times.append(time.perf_counter() - started)
        _FLOPS_PER_SECOND = 2 * 512**3 / max(min(times), 1e-9)
    return _FLOPS_PER_SECOND


def plan_executions(model, function, step_fn, callbacks, state, source):
    """`(unroll, sizer)` for running `function` over `source`'s epochs.

    Args:
        function: the compiled chunk function.
        step_fn: the step it runs (`model.train_step` or `test_step`).
        callbacks: the user's callbacks.
        state: the current state (to trace or time a step; not changed).
        source: a `DeviceFeed`, or host chunks (`GeneratorIterator`,
            `ArrayIterator`) whose K is fixed: `AUTO_STEPS` for "auto"
            when rolled.
    """
    setting = model._compiled.steps_per_execution
    total = source.num_steps
    if any(overrides_batch_hooks(c) for c in callbacks):
        return 1, StepSizer(1)
    if setting != "auto" and int(setting) <= 1:
        return 1, StepSizer(1)
    host = not isinstance(source, DeviceFeed)
    learned = _learned(function)
    first = source.first_chunk()
    key = ("k", first.index.shape[-1] if not host else first.batch.mask.shape)
    if "straight" not in learned or (
        learned["straight"] and key not in learned
    ):
        conv, flops = False, 0.0
        if not model._compiled.run_eagerly and jax.default_backend() == "cpu":
            conv, flops = chunk_lib.inspect_step(step_fn, state, first)
        straight = learned.setdefault("straight", conv)
        seconds = flops / _flops_per_second() if straight else 0.0
        k = int(round(TARGET_SECONDS / max(seconds, 1e-9)))
        learned[key] = max(1, min(k, MAX_UNROLLED_STEPS))
    if not learned["straight"]:
        k = None if setting == "auto" else int(setting)
        if host:
            k = min(k or AUTO_STEPS, total or AUTO_STEPS)
        return 0, StepSizer(k, learned)
    k = learned[key] if setting == "auto" else int(setting)
    if host:
        k = max(1, min(k, total or k))
    else:  # Every device execution runs K real steps.
        k = max(d for d in range(1, min(k, total) + 1) if total % d == 0)
    return k, StepSizer(k)


def variable_groups(model) -> tuple:
    """The four variable lists of the state, in Keras' order."""
    return (
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
        model._compiled.metric_variables,
    )


def fresh_state(groups: tuple, model) -> tuple:
    """The current values of the four groups, metrics freshly reset."""
    values = tuple([v.value for v in group] for group in groups[:3])
    return (*values, model._compiled.reset_values())


def assign_state(state, groups: tuple) -> None:
    """Writes the state back into the variables of `groups`."""
    for variables, values in zip(groups, state, strict=True):
        for variable, value in zip(variables, values, strict=True):
            variable.assign(value)


def logs_at(model, logs, index: int | None = None) -> dict:
    """An execution's logs as floats, keyed in sorted order (as Keras on
    JAX gives them: its logs come out of a jitted function too).

    `logs` is a `ChunkLogs` (its last real step's logs; `index` is
    ignored) or a dict of per-step values, of which step `index` is read.
    """
    del model
    if isinstance(logs, chunk_lib.ChunkLogs):
        return pythonify_logs(logs.logs)
    return pythonify_logs(logs, index)


def _rollback(function, previous, chunk, good_steps: int, unroll: int):
    """Re-runs the first `good_steps` steps of `chunk` from `previous`:
    the state just before the step whose loss became non-finite."""
    if good_steps == 0:
        return previous
    replay = chunk._replace(num_steps=np.int32(good_steps))
    if hasattr(replay, "step_mask"):
        step_mask = np.array(replay.step_mask, copy=True)
        step_mask[good_steps:] = 0
        replay = replay._replace(step_mask=step_mask)
    _, state = function(previous, jax.device_put(replay), unroll=unroll)
    return state


def run_epoch(
    model,
    function,
    chunks,
    callbacks,
    hook: str,
    unroll: int = 0,
    sizer: StepSizer | None = None,
    rollback: bool = False,
    first_step: int = 0,
) -> dict:
    """Runs `function` over `chunks` (one epoch); returns the last logs.

    Args:
        function: a compiled chunk function.
        chunks: an iterable of `Chunk`s or `DeviceChunk`s; a lazy one may
            consult `sizer` between executions.
        callbacks: a `CallbackList`; `on_{hook}_batch_begin/end` are
            called once per execution with its first and last step.
        unroll: passed to `function` (see `compiled.make_chunk_function`).
        sizer: told each execution's wall time.
        rollback: with a non-donating `function`, an execution whose loss
            becomes non-finite is undone back to the last finite step and
            the epoch stops there (`TerminateOnNaN`).
        first_step: the index of the first step in `chunks` (a resumed
            epoch starts past the steps already done).
    """
    groups = variable_groups(model)
    state = fresh_state(groups, model)
    logs, step = {}, first_step
    for chunk in chunks:
        getattr(callbacks, f"on_{hook}_batch_begin")(step)
        num_steps = int(chunk.num_steps)
        previous = state
        started = time.perf_counter()
        out, state = function(state, jax.device_put(chunk), unroll=unroll)
        out = jax.device_get(out)
        if sizer is not None:
            sizer.record(num_steps, time.perf_counter() - started)
        bad = int(out.first_bad) if rollback else -1
        if bad >= 0:
            state = _rollback(function, previous, chunk, bad, unroll)
            assign_state(state, groups)
            model.stop_training = True
            logs = logs_at(model, out)
            getattr(callbacks, f"on_{hook}_batch_end")(step + bad, logs)
            break
        assign_state(state, groups)
        step += num_steps
        logs = logs_at(model, out)
        getattr(callbacks, f"on_{hook}_batch_end")(step - 1, logs)
        if hook == "train" and model.stop_training:
            break
    return logs


def step_function(model, kind: str):
    """`(state, batch) -> (logs, state)` over the four-list state of the
    executions: the model's `"train"` or `"test"` step.

    ember's own steps also take the batch's padding mask. A model's own
    steps get `batch.data` alone (Keras' signature; their batches are never
    padded), inside a state scope so that what they assign statefully
    (a compiled loss's trackers) is dropped instead of leaking a traced
    value into a variable. Keras' JAX `test_step` takes and returns three
    lists, `(trainable, non_trainable, metrics)`; the optimizer's values
    pass around it.
    """
    own = steps.uses_ember_steps(model)

    def run(method, default, state, batch):
        if own:
            return default(model, state, batch.data, batch.mask)
        with StateScope():
            return method(state, batch.data)

    if kind == "train":
        return lambda state, batch: run(
            model.train_step, steps.train_step, state, batch
        )

    def test(state, batch):
        trainable, non_trainable, optimizer_values, metric_values = state
        logs, (trainable, non_trainable, metric_values) = run(
            model.test_step,
            steps.test_step,
            (trainable, non_trainable, metric_values),
            batch,
        )
        return logs, (trainable, non_trainable, optimizer_values, metric_values)

    return test


def chunk_function(model, kind: str):
    """The model's compiled chunk function of `kind`, made once per compile.

    `"train"` and `"test"` run the model's steps; `"train_keeping"` is the
    train function without buffer donation, so that the state from before
    an execution survives it (`TerminateOnNaN`'s rollback): an outer
    `jax.jit` makes the inner one's donation a no-op.
    """
    compiled = model._compiled
    if kind not in compiled.functions:
        eager = compiled.run_eagerly
        step = step_function(model, "test" if kind == "test" else "train")
        if kind == "train_keeping":
            inner = chunk_lib.make_chunk_function(
                step, jit_compile=not eager, track_bad=True
            )
            function = (
                inner if eager else jax.jit(inner, static_argnames="unroll")
            )
        else:
            function = chunk_lib.make_chunk_function(step, not eager)
        compiled.functions[kind] = function
    return compiled.functions[kind]


def flatten_logs(model, logs: dict, return_dict: bool):
    """`logs` as returned by `evaluate` and `*_on_batch`: the dict, or a
    list in Keras' order (a single value when there is one)."""
    if return_dict:
        return logs
    values = model._compiled.ordered(logs)
    return values[0] if len(values) == 1 else values
