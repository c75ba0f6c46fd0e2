"""Config helpers shared by layers."""

import inspect
from collections.abc import Callable
from typing import Any

_PRIMITIVES = (int, float, str, bool, type(None))


def resolve(getter: Callable, identifier: Any, layer: Any, argument: str):
    """`getter(identifier)`, its errors prefixed with the layer's name.

    Example: `Dense "dense": invalid `activation`. Unknown activation: ...`
    """
    try:
        return getter(identifier)
    except ValueError as error:
        raise ValueError(
            f'{type(layer).__name__} "{layer.name}": invalid `{argument}`. '
            f"{error}"
        ) from None


def batch_input_shape(kwargs: dict) -> tuple | None:
    """The batch shape from `input_shape` / `input_dim` / `batch_size`."""
    if kwargs.get("batch_input_shape") is not None:
        return tuple(kwargs["batch_input_shape"])
    shape = kwargs.get("input_shape")
    if shape is None and kwargs.get("input_dim") is not None:
        shape = (kwargs["input_dim"],)
    if shape is None:
        return None
    if isinstance(shape, int):
        shape = (shape,)
    return (kwargs.get("batch_size"),) + tuple(shape)


def _is_primitive(value) -> bool:
    if isinstance(value, list | tuple):
        return all(_is_primitive(v) for v in value)
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and _is_primitive(v) for k, v in value.items()
        )
    return isinstance(value, _PRIMITIVES)


def capture_config(cls, args, kwargs) -> dict | None:
    """The constructor's arguments, kept when all are plain values."""
    try:
        bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
    except TypeError:
        return None
    config = {}
    for name, value in list(bound.arguments.items())[1:]:
        param = inspect.signature(cls.__init__).parameters[name]
        if param.kind == param.VAR_KEYWORD:
            config.update(value)
        elif param.kind != param.VAR_POSITIONAL:
            config[name] = value
    config = {
        k: v
        for k, v in config.items()
        if k not in ("name", "dtype", "trainable")
    }
    return config if _is_primitive(config) else None
