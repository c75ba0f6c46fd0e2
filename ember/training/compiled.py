"""Compiled executions: one `jax.jit` program runs several steps.

An execution reads its batches from a chunk, one of two kinds:

- a host `Chunk` (generators, `*_on_batch`): K batches stacked on the host
  and transferred, real steps first (`num_steps` of them);
- a `DeviceChunk` (in-memory data): every sample already on the device,
  the epoch's index plan `(steps, batch_size)` and its row mask, and the
  `start` and `num_steps` of this execution. Each step gathers its batch
  inside the program, so the host only makes an index permutation.

Either way the step is called as `step_fn(state, batch)` with the step's
`Batch` (its data and its padding mask). Only the state is donated.

Two ways to run the steps, chosen by the static argument `unroll`:

- `unroll=0`: a rolled `lax.while_loop` over a *dynamic* number of steps,
  so one compiled program serves executions of any length (the trainer
  sizes them by time without recompiling) and compile time does not grow
  with K. On XLA CPU this is the fastest for small models (founding MLP,
  batch 32: 20 us/step rolled vs 43 us/step in a 16-step unrolled scan);
- `unroll=K`: K steps in straight-line code. XLA on CPU runs convolutions
  inside a loop body several times slower (founding CNN: 2.4 ms/step
  unrolled, 20 ms rolled, 10 ms with `unroll=2`), so models with
  convolutions run on CPU this way, at the price of a compile that grows
  with K (`inspect_step` tells). Convolutions whose train step runs the
  patch form (`ops/nn_conv_patches`: the founding CNN's one-channel
  Conv2D) are matrix products there, and run rolled.

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
  no execution holds masked steps (see `make_chunk_function`).
  (Founding CNN on this CPU: 174 MFLOP per step at 74 GFLOP/s estimates
  2.4 ms, as measured.)
"""

import time
import weakref
from collections.abc import Callable
from typing import Any
from typing import NamedTuple

import jax
import jax.numpy as jnp

from ember.callbacks.callback import overrides_batch_hooks

# Steps per host chunk with "auto" on the host path (generators, and arrays
# too big for the device), whose chunks are stacked before they run.
AUTO_STEPS = 16
# An "auto" execution aims at this wall time. Each execution pays the host
# (dispatch, logs) and, on CPU, the page faults of XLA's freshly mapped
# temporary buffers (an encoder block at batch 32: about 40 MB, 20% of a
# 100 ms step), so slow steps too run several per execution; the progress
# bar then moves twice a second.
TARGET_SECONDS = 0.5
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


class ChunkLogs(NamedTuple):
    """What an execution reports: the last real step's logs, and the index
    of the first step whose loss was not finite (-1 when none)."""

    logs: Any
    first_bad: Any


def _is_bad(logs):
    loss = logs.get("loss") if isinstance(logs, dict) else None
    if loss is None:
        return jnp.asarray(False)
    return ~jnp.all(jnp.isfinite(loss))


def _keep_real(step_is_real, new, old):
    return jax.tree_util.tree_map(
        lambda n, o: jnp.where(step_is_real, n, o), new, old
    )


def _straight(step_fn, state, chunk, k: int, masked: bool, track_bad: bool):
    """K steps in straight-line code. With `masked`, steps past
    `num_steps` leave the state untouched; without, all K are real."""
    logs, first_bad = None, jnp.asarray(-1, "int32")
    for i in range(k):
        new_logs, new_state = step_fn(state, chunk.batch_at(i))
        real = i < chunk.num_steps
        if i and masked:
            state = _keep_real(real, new_state, state)
            logs = _keep_real(real, new_logs, logs)
        else:
            state, logs = new_state, new_logs
        if track_bad:
            bad = real & (first_bad < 0) & _is_bad(new_logs)
            first_bad = jnp.where(bad, i, first_bad)
    return ChunkLogs(logs, first_bad), state


def _rolled(step_fn, state, chunk, track_bad: bool):
    """A while loop over `chunk.num_steps` steps (a traced count)."""

    def one(i, state):
        return step_fn(state, chunk.batch_at(i))

    spec = jax.eval_shape(one, 0, state)[0]
    logs = jax.tree_util.tree_map(lambda s: jnp.zeros(s.shape, s.dtype), spec)

    def body(carry):
        i, state, _, first_bad = carry
        logs, state = one(i, state)
        if track_bad:
            bad = (first_bad < 0) & _is_bad(logs)
            first_bad = jnp.where(bad, i, first_bad)
        return i + 1, state, logs, first_bad

    carry = (jnp.asarray(0, "int32"), state, logs, jnp.asarray(-1, "int32"))
    _, state, logs, first_bad = jax.lax.while_loop(
        lambda carry: carry[0] < chunk.num_steps, body, carry
    )
    return ChunkLogs(logs, first_bad), state


def make_chunk_function(
    step_fn: Callable, jit_compile: bool = True, track_bad: bool = False
) -> Callable:
    """`(state, chunk, unroll=0) -> (ChunkLogs, state)` running `step_fn`.

    Args:
        step_fn: `(state, batch) -> (logs, state)`, `batch` a `Batch`.
        jit_compile: False runs the same loop eagerly (`run_eagerly`).
        track_bad: report the first step whose loss is not finite
            (`ChunkLogs.first_bad`, else always -1), for `TerminateOnNaN`.

    The returned function takes a `Chunk` or a `DeviceChunk`; `unroll`
    (static) is 0 for a rolled loop over `chunk.num_steps` steps, or K for
    K straight-line steps (a host chunk uses its own length). A host chunk
    of one step always runs straight.

    Straight-line steps of a `DeviceChunk` are all real (the trainer picks
    a K that divides the epoch): selecting between the old and new state
    after every step, to mask steps, doubled the founding CNN's compile
    time (8 steps: 4.6 s vs 2.2 s) and cost 20% of its step time. Host
    chunks, whose epoch length may be unknown, and `track_bad` (whose
    rollback replays part of an execution) keep the masking.
    """

    def run(state, chunk, unroll: int = 0):
        length = chunk.static_steps
        if length is not None and (unroll or length == 1):
            return _straight(step_fn, state, chunk, length, True, track_bad)
        if unroll:
            return _straight(
                step_fn, state, chunk, unroll, track_bad, track_bad
            )
        return _rolled(step_fn, state, chunk, track_bad)

    if not jit_compile:
        return _eager(run)
    return jax.jit(run, donate_argnums=0, static_argnames="unroll")


def inspect_step(step_fn: Callable, state, chunk) -> tuple:
    """`(uses_convolution, flops)` of one step of `step_fn` on `chunk`.

    Read from the lowered program and XLA's cost analysis of it: traced
    and lowered, never compiled.
    """

    def one(state, chunk):
        return step_fn(state, chunk.batch_at(0))

    lowered = jax.jit(one).lower(state, chunk)
    cost = lowered.cost_analysis() or {}
    if isinstance(cost, (list, tuple)):
        cost = cost[0] if cost else {}
    flops = float(cost.get("flops", 0.0))
    return "stablehlo.convolution" in lowered.as_text(), flops


def _eager(fn: Callable) -> Callable:
    def run(*args, **kwargs):
        with jax.disable_jit():
            return fn(*args, **kwargs)

    return run


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
        source: a data source (`ember.training.data.source`); one on the
            host has a fixed K: `AUTO_STEPS` for "auto" when rolled.
    """
    setting = model._compiled.steps_per_execution
    total = source.num_steps
    if any(overrides_batch_hooks(c) for c in callbacks):
        return 1, StepSizer(1)
    if setting != "auto" and int(setting) <= 1:
        return 1, StepSizer(1)
    host = not source.on_device
    learned = _learned(function)
    first = source.first_chunk()
    key = ("k", first.batch_key)
    if "straight" not in learned or (
        learned["straight"] and key not in learned
    ):
        conv, flops = False, 0.0
        if not model._compiled.run_eagerly and jax.default_backend() == "cpu":
            conv, flops = inspect_step(step_fn, state, first)
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
