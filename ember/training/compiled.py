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
  with K (`inspect_step` tells).
"""

from collections.abc import Callable
from typing import Any
from typing import NamedTuple

import jax
import jax.numpy as jnp

from ember.training.data.device import DeviceChunk
from ember.training.data.iterator import Batch


class ChunkLogs(NamedTuple):
    """What an execution reports: the last real step's logs, and the index
    of the first step whose loss was not finite (-1 when none)."""

    logs: Any
    first_bad: Any


def batch_at(chunk, i) -> Batch:
    """Step `i`'s batch of `chunk` (traced; `i` may be traced)."""
    if isinstance(chunk, DeviceChunk):
        row = chunk.start + i
        index = jax.lax.dynamic_index_in_dim(chunk.index, row, 0, False)
        mask = jax.lax.dynamic_index_in_dim(chunk.mask, row, 0, False)
        x, y, weight = jax.tree_util.tree_map(
            lambda a: jnp.take(a, index, axis=0, mode="clip"), chunk.data
        )

        def zero_padding(w):
            row_mask = mask.reshape(mask.shape + (1,) * (w.ndim - 1))
            return w * row_mask.astype(w.dtype)

        weight = jax.tree_util.tree_map(zero_padding, weight)
        return Batch(x, y, weight, mask)
    return jax.tree_util.tree_map(
        lambda a: jax.lax.dynamic_index_in_dim(a, i, 0, False), chunk.batch
    )


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
        new_logs, new_state = step_fn(state, batch_at(chunk, i))
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
        return step_fn(state, batch_at(chunk, i))

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
        if not isinstance(chunk, DeviceChunk):
            length = jax.tree_util.tree_leaves(chunk.batch.mask)[0].shape[0]
            if unroll or length == 1:
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
        return step_fn(state, batch_at(chunk, 0))

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
