"""Checks of constructor arguments, shared by layers, initializers,
optimizers and the loaders.

Each raises a ValueError in Keras' form, naming the owner, the argument,
what was expected and the value received: `Dense "dense": expected `units`
to be a positive integer. Received: units='8'`. Values read from a file
pass through the same checks as values given in code, so a damaged
`config.json` fails with the same message before anything reaches
`jax.random`, `jnp` or XLA.
"""

import contextlib
import contextvars
import functools
import inspect
import math
import numbers
from collections.abc import Iterator
from typing import Any

# The kinds of value a JSON config holds (or a user may pass by mistake).
_PLAIN = (str, bytes, bool, int, float, dict, list, tuple, type(None))
_VARIABLE_BYTES: contextvars.ContextVar = contextvars.ContextVar(
    "ember_variable_bytes_limit", default=None
)


def _fail(owner: str, argument: str, expected: str, value: Any) -> None:
    shown = repr(value)
    if len(shown) > 200:
        shown = shown[:200] + "..."
    raise ValueError(
        f"{owner}: expected `{argument}` to be {expected}. Received: "
        f"{argument}={shown}"
    )


def is_integer(value: Any) -> bool:
    """Whether `value` is an integer (Python or numpy), not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(
    owner: str, argument: str, value: Any, minimum: int | None = None
) -> int:
    """`value` as an int; a ValueError unless it is an integer (not a
    bool) of at least `minimum`.

    Args:
        owner: who takes the argument (`Dense "dense"`), named first.
        argument: the argument's name.
        value: the value received.
        minimum: the smallest value allowed, or None.

    Returns:
        The value, as a Python int.
    """
    if not is_integer(value) or (minimum is not None and value < minimum):
        if minimum == 1:
            expected = "a positive integer"
        elif minimum == 0:
            expected = "a non-negative integer"
        elif minimum is not None:
            expected = f"an integer of at least {minimum}"
        else:
            expected = "an integer"
        _fail(owner, argument, expected, value)
    return int(value)


def check_real(
    owner: str,
    argument: str,
    value: Any,
    minimum: float | None = None,
    maximum: float | None = None,
    strictly_positive: bool = False,
) -> float:
    """`value`; a ValueError unless it is a finite real number
    (not a bool) in `[minimum, maximum]`, above 0 if `strictly_positive`.

    Args:
        owner: who takes the argument, named first.
        argument: the argument's name.
        value: the value received.
        minimum: the smallest value allowed, or None.
        maximum: the largest value allowed, or None.
        strictly_positive: whether 0 itself is refused.

    Returns:
        The value: a Python int or float as given, other reals as floats.
    """
    ok = (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and (minimum is None or value >= minimum)
        and (maximum is None or value <= maximum)
        and (not strictly_positive or value > 0)
    )
    if not ok:
        if strictly_positive:
            expected = "a positive number"
        elif minimum is not None and maximum is not None:
            expected = f"a number between {minimum} and {maximum}"
        elif minimum is not None:
            expected = f"a number of at least {minimum}"
        else:
            expected = "a finite number"
        _fail(owner, argument, expected, value)
    return value if type(value) in (int, float) else float(value)


def check_choice(owner: str, argument: str, value: Any, allowed) -> str:
    """`value` unless it is not one of the strings `allowed`."""
    if not isinstance(value, str) or value not in allowed:
        _fail(owner, argument, f"one of {tuple(allowed)}", value)
    return value


def check_shape(owner: str, argument: str, value: Any) -> tuple:
    """`value` as a tuple; a ValueError unless it is a list or tuple of
    non-negative ints and None (unknown dimensions)."""
    if isinstance(value, list | tuple) and all(
        d is None or (is_integer(d) and d >= 0) for d in value
    ):
        return tuple(None if d is None else int(d) for d in value)
    _fail(
        owner,
        argument,
        "a shape (a list of non-negative integers or None)",
        value,
    )
    raise AssertionError  # Unreachable: `_fail` raises.


@contextlib.contextmanager
def variable_bytes_limit(limit: int, reason: str) -> Iterator[None]:
    """Refuses, inside the block, to create a variable of more than
    `limit` bytes: the loaders bound each variable by what the file being
    loaded can hold, so a damaged size in a config never reaches XLA.

    Args:
        limit: the largest variable allowed, in bytes.
        reason: why, for the message (`"the weights file holds ..."`).
    """
    token = _VARIABLE_BYTES.set((limit, reason))
    try:
        yield
    finally:
        _VARIABLE_BYTES.reset(token)


def check_variable_shape(path: str, shape: Any, itemsize: int) -> tuple:
    """The variable's shape as a tuple of ints; a ValueError if a dimension
    is not a non-negative int, or if it would exceed the active
    `variable_bytes_limit`."""
    if not isinstance(shape, list | tuple) or not all(
        is_integer(d) and d >= 0 for d in shape
    ):
        raise ValueError(
            f"Variable {path!r}: expected a shape of non-negative integers. "
            f"Received: shape={shape!r}"
        )
    shape = tuple(int(d) for d in shape)
    active = _VARIABLE_BYTES.get()
    if active is not None:
        limit, reason = active
        size = math.prod(shape) * itemsize
        if size > limit:
            raise ValueError(
                f"Variable {path!r} of shape {shape} would take {size} "
                f"bytes, more than {reason} ({limit} bytes): the size given "
                "in the config is probably wrong."
            )
    return shape


def _array_kind(value: Any) -> str:
    """The dtype kind of a numpy or jax array or scalar, else ''."""
    dtype = getattr(value, "dtype", None)
    return getattr(dtype, "kind", "") if hasattr(value, "shape") else ""


def _numbers_only(value: Any, lists: bool, depth: int = 0) -> bool:
    if isinstance(value, list | tuple):
        return (
            lists
            and depth < 4
            and len(value) > 0
            and all(_numbers_only(v, lists, depth + 1) for v in value)
        )
    if _array_kind(value) in ("b", "i", "u", "f"):
        return _array_kind(value) != "b"
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def check_config_arguments(owner: str, cls: type, config: dict) -> None:
    """Checks a config's values against the kinds of `cls.__init__`'s
    defaults, before `from_config` passes them on: an argument whose
    default is a bool takes a bool, one whose default is a float takes a
    finite number or a list of them. Int defaults are left alone: Keras
    gives them other meanings too (`axis=-1` also takes None or a list,
    `label_smoothing=0` a float).

    Arguments without such a default (None, strings, objects), and values
    that are objects or object entries (a learning rate schedule given for
    `learning_rate=0.001`), are left to the class's own checks.

    Only ember's own classes are checked: a user's class may give its
    arguments any meaning. A class with `_scalar_arguments = True` (the
    optimizers) takes no lists for its numbers.

    Args:
        owner: the entry, for the message (`Dense "dense"`).
        cls: the class the config builds.
        config: its arguments.
    """
    if not cls.__module__.startswith("ember."):
        return
    lists = not getattr(cls, "_scalar_arguments", False)
    expected = "a finite number" + (" (or a list of them)" if lists else "")
    for name, default in _typed_defaults(cls):
        if name not in config:
            continue
        value = config[name]
        if (isinstance(value, dict) and "class_name" in value) or not (
            isinstance(value, _PLAIN) or _array_kind(value)
        ):
            # An object (a learning rate schedule for `learning_rate=0.001`,
            # or its config entry): the class checks it.
            continue
        if isinstance(default, bool):
            if not isinstance(value, bool) and _array_kind(value) != "b":
                _fail(owner, name, "a bool", value)
        elif not _numbers_only(value, lists):
            _fail(owner, name, expected, value)


@functools.cache
def _typed_defaults(cls: type) -> tuple:
    try:
        parameters = inspect.signature(cls.__init__).parameters.values()
    except (TypeError, ValueError):
        return ()
    return tuple(
        (p.name, p.default)
        for p in parameters
        if type(p.default) in (bool, float)
    )


def check_constructor_arguments(cls: type, args: tuple, kwargs: dict) -> None:
    """Checks the arguments given to an ember class's constructor in code
    as `check_config_arguments` checks a file's (called from `__new__`).

    Args:
        cls: the class being built.
        args: its positional arguments.
        kwargs: its keyword arguments.
    """
    if not cls.__module__.startswith("ember."):
        return
    try:
        bound = inspect.signature(cls.__init__).bind_partial(
            None, *args, **kwargs
        )
    except TypeError:
        return  # Python's own error follows from `__init__`.
    name = kwargs.get("name")
    owner = (
        cls.__name__
        if not isinstance(name, str)
        else f"{cls.__name__} {name!r}"
    )
    check_config_arguments(owner, cls, bound.arguments)
