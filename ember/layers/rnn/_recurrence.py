"""The time loop behind `RNN`: `lax.scan`, or a Python loop when unrolled.

Keras' semantics (its JAX backend's `rnn`): the inputs are walked along
axis 1 (reversed when `go_backwards`, the outputs then come in processing
order); a masked step keeps the previous states and repeats the previous
output (or outputs zeros with `zero_output_for_mask`).
"""

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp


def _time_major(x: jax.Array) -> jax.Array:
    return jnp.swapaxes(x, 0, 1)


def _like(states: Any, new_states: Any) -> Any:
    """`new_states` in the tree structure of `states` (lists vs tuples)."""
    treedef = jax.tree_util.tree_structure(states)
    leaves = jax.tree_util.tree_leaves(new_states)
    if len(leaves) != treedef.num_leaves:
        raise ValueError(
            f"The RNN cell returned {len(leaves)} state tensors, but "
            f"{treedef.num_leaves} states were passed in."
        )
    return jax.tree_util.tree_unflatten(treedef, leaves)


def run(
    step: Callable,
    inputs: Any,
    initial_states: Any,
    initial_output: jax.Array,
    *,
    go_backwards: bool = False,
    mask: jax.Array | None = None,
    unroll: bool = False,
    zero_output_for_mask: bool = False,
    return_sequences: bool = True,
) -> tuple[jax.Array, jax.Array | None, Any]:
    """Runs `step(input_t, states) -> (output_t, new_states)` over time.

    Args:
        step: the step function.
        inputs: a structure of arrays `(batch, time, ...)`.
        initial_states: the structure of state arrays at step 0.
        initial_output: what a masked first step outputs (Keras uses the
            first state, which is the previous output of built-in cells).
        go_backwards: walk the time axis in reverse.
        mask: optional `(batch, time)` booleans; False steps are skipped.
        unroll: a Python loop instead of `lax.scan`.
        zero_output_for_mask: masked steps output zeros.
        return_sequences: also return every step's output.

    Returns:
        `(last_output, outputs, final_states)`; `outputs` is
        `(batch, time, units)` in processing order, or None when
        `return_sequences` is False.
    """
    xs = jax.tree_util.tree_map(_time_major, inputs)
    if mask is not None:
        mask = _time_major(jnp.asarray(mask).astype(bool))[..., None]
    if go_backwards:
        xs = jax.tree_util.tree_map(lambda x: jnp.flip(x, 0), xs)
        if mask is not None:
            mask = jnp.flip(mask, 0)

    def body(carry, x):
        states, previous = carry
        if mask is not None:
            x, keep = x
        output, new_states = step(x, states)
        new_states = _like(states, new_states)
        if mask is not None:
            new_states = jax.tree_util.tree_map(
                lambda n, s: jnp.where(keep, n, s), new_states, states
            )
            fill = jnp.zeros_like(output) if zero_output_for_mask else previous
            output = jnp.where(keep, output, fill.astype(output.dtype))
        return (new_states, output), output if return_sequences else None

    # A rolled `lax.scan` (scan's unroll=1) on every backend: measured on
    # the 2-core CPU, LSTM(64) over 100 steps, batch 64, input projection
    # hoisted (forward / forward+backward ms): unroll 1: 9.5 / 20.7,
    # 2: 9.3 / 22.7, 4: 9.8 / 28.3, 10: 7.3 / 44.6, 100: 5.0 / 106. The
    # backward loop grows with the unrolled body, so training (what the
    # bench times) is fastest rolled. `unroll=True` stays a Python loop.
    carry = (initial_states, initial_output)
    scanned = xs if mask is None else (xs, mask)
    if unroll:
        steps = jax.tree_util.tree_leaves(xs)[0].shape[0]
        outputs = []
        for t in range(steps):
            x_t = jax.tree_util.tree_map(lambda a, t=t: a[t], scanned)
            carry, y = body(carry, x_t)
            outputs.append(y)
        stacked = jnp.stack(outputs) if return_sequences else None
    else:
        carry, stacked = jax.lax.scan(body, carry, scanned)
    states, last_output = carry
    sequences = _time_major(stacked) if return_sequences else None
    return last_output, sequences, states
