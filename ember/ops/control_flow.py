"""Control flow ops: conditionals, loops, scans and maps."""

from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike


@symbolic_op
def cond(pred: ArrayLike, true_fn: Callable, false_fn: Callable) -> Any:
    """Calls `true_fn()` if `pred` is true, else `false_fn()`.

    Both branches are traced and must return the same structure, shapes and
    dtypes.

    Args:
        pred: a scalar boolean.
        true_fn: a callable without arguments.
        false_fn: a callable without arguments.

    Returns:
        The output of the selected branch.
    """
    return jax.lax.cond(pred, true_fn, false_fn)


@symbolic_op
def switch(index: ArrayLike, branches: Sequence[Callable], *operands) -> Any:
    """Calls `branches[index](*operands)`; `index` is clamped into range.

    Args:
        index: a scalar integer.
        branches: callables with the same output structure.
        *operands: the arguments passed to the chosen branch.

    Returns:
        The output of the selected branch.
    """
    return jax.lax.switch(index, list(branches), *operands)


@symbolic_op
def scan(
    f: Callable,
    init: Any,
    xs: Any = None,
    length: int | None = None,
    reverse: bool = False,
    unroll: int | bool = 1,
) -> tuple:
    """Loops `f(carry, x) -> (carry, y)` over the leading axis of `xs`.

    Args:
        f: the step function.
        init: the initial carry.
        xs: the values to loop over (a nested structure), or None.
        length: the number of steps, required when `xs` is None.
        reverse: whether to loop from the end.
        unroll: how many steps to unroll in one loop iteration (an int >= 1,
            or a bool: True unrolls fully).

    Returns:
        A pair `(final_carry, stacked_ys)`.
    """
    if not isinstance(unroll, bool) and (
        not isinstance(unroll, int) or unroll < 1
    ):
        raise ValueError(
            "`unroll` must be a positive integer or a boolean. "
            f"Received: unroll={unroll}"
        )
    return jax.lax.scan(
        f, init, xs=xs, length=length, reverse=reverse, unroll=unroll
    )


@symbolic_op
def map(f: Callable, xs: Any) -> Any:
    """Applies `f` to each slice of `xs` along the leading axis, in a loop.

    Args:
        f: a callable over one slice.
        xs: a tensor or nested structure of tensors.

    Returns:
        The outputs, stacked along a new leading axis.
    """
    return jax.lax.map(f, xs)


@symbolic_op
def vectorized_map(function: Callable, elements: Any) -> Any:
    """Applies `function` to each slice of `elements`, vectorized (vmap).

    Args:
        function: a callable over one slice.
        elements: a tensor or nested structure of tensors.

    Returns:
        The outputs, stacked along a new leading axis.
    """
    return jax.vmap(function)(elements)


@symbolic_op
def fori_loop(lower: int, upper: int, body_fun: Callable, init_val: Any) -> Any:
    """Runs `val = body_fun(i, val)` for `i` in `range(lower, upper)`.

    Args:
        lower: the first index.
        upper: the end index (excluded).
        body_fun: a callable `(i, val) -> val`.
        init_val: the initial value.

    Returns:
        The final value.
    """
    return jax.lax.fori_loop(lower, upper, body_fun, init_val)


@symbolic_op
def while_loop(
    cond: Callable,
    body: Callable,
    loop_vars: Any,
    maximum_iterations: int | None = None,
) -> Any:
    """Runs `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` holds.

    Args:
        cond: a callable returning a scalar boolean.
        body: a callable returning new loop variables of the same structure.
        loop_vars: a tensor, or a tuple or list of them (unpacked as the
            positional arguments of `cond` and `body`).
        maximum_iterations: an optional bound on the number of iterations.

    Returns:
        The final loop variables, in the structure of `loop_vars`.
    """
    is_sequence = isinstance(loop_vars, tuple | list)
    state = tuple(loop_vars) if is_sequence else (loop_vars,)

    def as_tuple(outputs):
        return tuple(outputs) if is_sequence else (outputs,)

    if maximum_iterations is None:
        final = jax.lax.while_loop(
            lambda s: cond(*s), lambda s: as_tuple(body(*s)), state
        )
    else:
        # The step counter rides along as the last loop variable.
        def bounded_cond(s):
            return jnp.logical_and(cond(*s[:-1]), s[-1] < maximum_iterations)

        def bounded_body(s):
            return as_tuple(body(*s[:-1])) + (s[-1] + 1,)

        final = jax.lax.while_loop(
            bounded_cond, bounded_body, state + (jnp.asarray(0),)
        )[:-1]
    return final if is_sequence else final[0]
