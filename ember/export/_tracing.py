"""Turning an endpoint function into a `jax.export.Exported`.

The function runs inside a state scope holding the current value of every
tracked variable: reads see concrete arrays (captured as constants) and
writes (moving statistics, seeds) stay in the scope and are dropped.
"""

import traceback
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import jax

from ember.core.state_scope import StateScope
from ember.export._signature import abstract_arguments
from ember.layers.layer import Layer


def require_flatbuffers() -> None:
    """Raises an ImportError naming the pip extra when flatbuffers is
    missing (`jax.export` serializes with it)."""
    try:
        import flatbuffers  # noqa: F401
    except ImportError as error:
        raise ImportError(
            "Writing or reading a jax.export artifact needs the `flatbuffers` "
            'package: `pip install "ember[export]"`.'
        ) from error


def pure_endpoint(fn: Callable, variables: Sequence) -> Callable[..., Any]:
    """`fn` as a pure function: the variables' current values are read
    when it is traced, and assignments inside it are discarded.

    Args:
        fn: the endpoint's function of its inputs.
        variables: the tracked variables `fn` may read or assign.

    Returns:
        A function with `fn`'s arguments and outputs.
    """

    def endpoint(*inputs):
        with StateScope([(v, v.value) for v in variables]):
            return fn(*inputs)

    return endpoint


def output_shapes(fn: Callable, signature: list, what: str) -> Any:
    """Traces `fn` abstractly (symbolic batch) and returns its outputs as
    `jax.ShapeDtypeStruct`s; a failure becomes a ValueError naming `what`
    and the layer that failed."""
    try:
        return jax.eval_shape(fn, *abstract_arguments(signature))
    except Exception as error:
        raise tracing_error(error, what) from error


def export_function(
    fn: Callable,
    signature: list,
    what: str,
    platforms: Sequence[str] | None = None,
):
    """`jax.export.export(jax.jit(fn))` on the signature's abstract inputs.

    Args:
        fn: a pure function of the inputs (see `pure_endpoint`).
        signature: a list of InputSpec structures, one per argument.
        what: names the endpoint and its owner in error messages.
        platforms: platforms to lower for (e.g. `("cpu", "cuda")`); None
            for the default backend only.

    Returns:
        The `jax.export.Exported`.
    """
    from jax import export

    try:
        exporter = export.export(jax.jit(fn), platforms=platforms)
        return exporter(*abstract_arguments(signature))
    except Exception as error:
        raise tracing_error(error, what) from error


def tracing_error(error: Exception, what: str) -> ValueError:
    """A ValueError naming what was exported, the innermost layer whose
    `call` raised (when the traceback shows one) and the original error."""
    layer = _failing_layer(error)
    where = ""
    if layer is not None:
        where = f' (in layer "{layer.name}" of type {type(layer).__name__})'
    return ValueError(
        f"Could not export {what}{where}: {type(error).__name__}: {error}\n"
        "Endpoints are traced with the batch dimension symbolic ('batch'): "
        "a layer whose `call` needs a concrete batch size can be exported "
        "with a fixed `input_signature` (e.g. "
        "[ember.InputSpec(shape=(8, 10))]). Host callbacks "
        "(jax.pure_callback, io_callback) cannot be exported."
    )


def _failing_layer(error: BaseException) -> Layer | None:
    found = None
    for frame, _ in traceback.walk_tb(error.__traceback__):
        owner = frame.f_locals.get("self")
        if isinstance(owner, Layer) and frame.f_code.co_name == "call":
            found = owner
    return found
