"""Lambda: wraps a function of arrays as a layer."""

import inspect
from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from ember import activations
from ember.core import registry
from ember.core.bytecode import dump_function
from ember.core.bytecode import load_function
from ember.core.dtypes import standardize_dtype
from ember.core.symbolic import Node
from ember.core.symbolic import SymbolicTensor
from ember.core.symbolic import is_symbolic
from ember.core.symbolic import map_structure
from ember.layers.layer import Layer


class Lambda(Layer):
    """Wraps a function of arrays as a layer, for `Sequential` and
    functional models.

    Lambda layers cannot be saved portably: a Python `lambda` is recorded
    as bytecode (as Keras records it), which only the same Python version
    can read. Loading it runs code from the file, so it is refused unless
    the caller opts in with `safe_mode=False` (`load_model`,
    `deserialize_keras_object` or `Lambda.from_config`). Prefer a `Layer`
    subclass with a `get_config` for anything kept on disk.

    Args:
        function: the function to apply; its first argument is the input.
            If it has `mask` or `training` parameters, they are passed on.
        output_shape: the output shape without the batch dimension (a
            tuple), or a function from the full input shape to the full
            output shape. Usually inferred by tracing `function`.
        mask: None (no masking), a function `(inputs, mask) -> mask` used
            as `compute_mask`, or a fixed mask returned for every input.
        arguments: optional dict of keyword arguments passed to `function`.

    Input shape:
        Whatever `function` accepts.

    Output shape:
        Whatever `function` returns.

    Example:

    >>> layer = ember.layers.Lambda(lambda x: x**2)
    >>> layer(np.array([1.0, 2.0, 3.0]))
    Array([1., 4., 9.], dtype=float32)
    """

    def __init__(
        self,
        function: Callable,
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict | None = None,
        **kwargs,
    ):
        if not callable(function):
            raise ValueError(
                "Argument `function` of Lambda must be callable. "
                f"Received: function={function!r}"
            )
        if arguments is not None and not isinstance(arguments, dict):
            raise ValueError(
                "Argument `arguments` of Lambda must be a dict or None. "
                f"Received: arguments={arguments!r}"
            )
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments or {}
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = output_shape
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_expects_mask_arg = "mask" in params
        self._fn_expects_training_arg = "training" in params

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        """`mask(inputs, mask)` if `mask` is callable, else `mask` itself."""
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape: Any) -> Any:
        """From `output_shape` when given, otherwise by tracing."""
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = jax.tree_util.tree_leaves(
            input_shape, is_leaf=lambda x: x is None
        )[0]
        if _is_shape(self._output_shape):
            return (batch, *self._output_shape)
        return type(self._output_shape)(
            (batch, *shape) for shape in self._output_shape
        )

    def symbolic_call(self, *args, **kwargs):
        """Symbolic outputs shaped by `output_shape` when it is given.

        As in Keras, `function` is then not traced, so functions that only
        work on concrete arrays can still be used in functional models.
        """
        if self._output_shape is None:
            return super().symbolic_call(*args, **kwargs)
        first = args[0] if args else next(iter(kwargs.values()))
        input_shape = map_structure(
            lambda t: tuple(t.shape) if is_symbolic(t) else t, first
        )
        outputs = _symbolic_outputs(
            self.compute_output_shape(input_shape), self.compute_dtype
        )
        Node(self, args, kwargs, outputs)
        return outputs

    def get_config(self) -> dict:
        """Returns the base config and the (minimally) serialized function.

        Python lambdas are written as Keras does (base64 bytecode); named
        functions by name, to be found again in `custom_objects` or among
        the built-in activations.
        """
        config = super().get_config()
        config["function"] = _serialize_function(self.function)
        if self._output_shape is not None:
            if callable(self._output_shape):
                config["output_shape"] = _serialize_function(self._output_shape)
            else:
                config["output_shape"] = self._output_shape
        if self.mask is not None:
            if callable(self.mask):
                config["mask"] = _serialize_function(self.mask)
            else:
                config["mask"] = _serialize_value(self.mask)
        config["arguments"] = {
            key: _serialize_value(value)
            for key, value in self.arguments.items()
        }
        return config

    @classmethod
    def from_config(
        cls,
        config: dict,
        custom_objects: dict | None = None,
        safe_mode: bool | None = None,
    ) -> "Lambda":
        """Rebuilds a Lambda; named functions come from `custom_objects`
        or the built-in activations.

        A Python lambda saved as bytecode is rebuilt only with
        `safe_mode=False` (it runs code from the config); `None` is safe.
        Names in its code resolve to `custom_objects`, and `keras` /
        `ember` to ember.
        """
        config = dict(config)
        unsafe = safe_mode is False
        config["function"] = _deserialize_function(
            config["function"], custom_objects, unsafe
        )
        for key in ("output_shape", "mask"):
            value = config.get(key)
            if isinstance(value, dict) and value.get("class_name") in (
                "__lambda__",
                "function",
            ):
                config[key] = _deserialize_function(
                    value, custom_objects, unsafe
                )
            elif key == "mask" and value is not None:
                config[key] = _deserialize_value(value)
            elif isinstance(value, list) and _is_shape(value):
                config[key] = tuple(value)
        if "arguments" in config:
            config["arguments"] = {
                k: _deserialize_value(v)
                for k, v in (config["arguments"] or {}).items()
            }
        return cls(**config)


def _is_shape(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(
        d is None or isinstance(d, int) for d in value
    )


def _symbolic_outputs(shapes: Any, dtype: str) -> Any:
    if _is_shape(shapes):
        return SymbolicTensor(tuple(shapes), dtype=dtype)
    if isinstance(shapes, dict):
        return {k: _symbolic_outputs(v, dtype) for k, v in shapes.items()}
    return type(shapes)(_symbolic_outputs(s, dtype) for s in shapes)


def _serialize_function(fn: Callable) -> dict | str:
    if getattr(fn, "__name__", None) == "<lambda>":
        code, defaults, closure = dump_function(fn)
        return {
            "class_name": "__lambda__",
            "config": {"code": code, "defaults": defaults, "closure": closure},
        }
    if inspect.isfunction(fn) or inspect.isbuiltin(fn):
        return {
            "module": "builtins",
            "class_name": "function",
            "config": fn.__name__,
            "registered_name": "function",
        }
    if hasattr(fn, "get_config"):
        return registry.serialize_object(fn)
    raise ValueError(
        f"Lambda cannot serialize {fn!r}: it is neither a function nor an "
        "object with a `get_config` method."
    )


def _deserialize_function(
    config: Any, custom_objects: dict | None, unsafe: bool = False
):
    if callable(config):
        return config
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        if unsafe:
            return _load_bytecode(config.get("config"), custom_objects)
        raise ValueError(
            "Lambda.from_config refuses to load a Python lambda saved as "
            "bytecode: that would run code from the file. If you trust "
            "its source, pass `safe_mode=False` (to `load_model`, "
            "`deserialize_keras_object` or `Lambda.from_config`). Or pass "
            "the function again, e.g. "
            "`Lambda.from_config({**config, 'function': fn})`, or use a "
            "named function with `custom_objects`."
        )
    name = config.get("config") if isinstance(config, dict) else config
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    try:
        return activations.get(name)
    except ValueError:
        raise ValueError(
            f"Lambda.from_config could not find the function {name!r}. "
            "Pass it in `custom_objects={name: function}`."
        ) from None


def _load_bytecode(config: Any, custom_objects: dict | None) -> Callable:
    """The function saved by `_serialize_function` (runs the file's code:
    only reached with `safe_mode=False`)."""
    if not isinstance(config, dict) or not isinstance(config.get("code"), str):
        raise ValueError(
            f"Lambda.from_config: invalid saved lambda. Received: {config!r}"
        )
    return load_function(
        config["code"],
        config.get("defaults"),
        config.get("closure"),
        custom_objects,
    )


def _serialize_value(value: Any) -> Any:
    if isinstance(value, jax.Array | np.ndarray):
        return {
            "class_name": "__numpy__"
            if isinstance(value, np.ndarray)
            else "__tensor__",
            "config": {
                "value": np.asarray(value).tolist(),
                "dtype": standardize_dtype(value.dtype),
            },
        }
    return value


def _deserialize_value(value: Any) -> Any:
    if isinstance(value, dict) and value.get("class_name") in (
        "__numpy__",
        "__tensor__",
    ):
        config = value["config"]
        return np.asarray(config["value"], dtype=config["dtype"])
    return value
