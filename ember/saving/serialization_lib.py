"""Objects to and from Keras 3's config dicts.

`serialize_keras_object` writes `{"module", "class_name", "config",
"registered_name", "build_config"?, "compile_config"?}` as Keras 3 does.
`deserialize_keras_object` reads it back, finding classes only in ember's
own built-in tables, the registry and the custom objects given: the
`"module"` a file names is read as a hint to pick a table, never imported.
"""

import inspect
import types
import warnings
from typing import Any

import jax
import numpy as np

from ember.core import registry
from ember.core.bytecode import dump_function
from ember.core.bytecode import load_function
from ember.core.checks import check_config_arguments
from ember.core.checks import check_shape
from ember.core.checks import is_integer
from ember.core.dtypes import standardize_dtype
from ember.core.symbolic import SymbolicTensor
from ember.saving import object_registration as registration
from ember.saving.safe_json import check_depth


# -- serialize ---------------------------------------------------------
def serialize_keras_object(obj: Any) -> Any:
    """Returns the Keras 3 config of `obj`, made of JSON-ready values.

    Plain values stay as they are; lists, tuples and dicts are serialized
    item by item; arrays become `__numpy__` / `__tensor__` dicts; functions
    and objects with `get_config` become `{"module", "class_name",
    "config", "registered_name"}` dicts, with `build_config` for built
    layers.

    Args:
        obj: the object to serialize.

    Returns:
        The config.

    Example:

    >>> serialize_keras_object(ember.layers.Dense(2))["class_name"]
    'Dense'
    """
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode()}}
    if isinstance(obj, SymbolicTensor):
        return _serialize_symbolic(obj)
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray | jax.Array):
        kind = "__numpy__" if isinstance(obj, np.ndarray) else "__tensor__"
        return {
            "class_name": kind,
            "config": {
                "value": np.asarray(obj).tolist(),
                "dtype": standardize_dtype(obj.dtype),
            },
        }
    if isinstance(obj, np.dtype):
        return standardize_dtype(obj)
    if inspect.isclass(obj) and (
        issubclass(obj, np.generic)
        or isinstance(getattr(obj, "dtype", None), np.dtype)
    ):
        return standardize_dtype(obj)  # np.float32, jnp.bfloat16...
    if isinstance(obj, list | tuple):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, slice):
        return {
            "class_name": "__slice__",
            "config": {
                "start": serialize_keras_object(obj.start),
                "stop": serialize_keras_object(obj.stop),
                "step": serialize_keras_object(obj.step),
            },
        }
    if isinstance(obj, types.FunctionType):
        return _serialize_function(obj)
    if inspect.isclass(obj):
        return {
            "module": registration.builtin_module(obj) or obj.__module__,
            "class_name": "__class__",
            "config": registration.get_registered_name(obj),
            "registered_name": None,
        }
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r} (of type {type(obj).__name__}): it "
            "has no `get_config()` method."
        )
    return _serialize_object(obj)


def _serialize_symbolic(tensor: SymbolicTensor) -> dict:
    history = tensor._history
    return {
        "class_name": "__keras_tensor__",
        "config": {
            "shape": tuple(tensor.shape),
            "dtype": standardize_dtype(tensor.dtype),
            "keras_history": (
                None
                if history is None
                else [
                    history.operation.name,
                    history.node_index,
                    history.tensor_index,
                ]
            ),
        },
    }


def _serialize_function(fn: types.FunctionType) -> dict:
    if fn.__name__ == "<lambda>":
        warnings.warn(
            "A Python lambda is being saved as bytecode, as Keras saves it: "
            "only the same Python version can read it, and only with "
            "`safe_mode=False`. Prefer a named function registered with "
            "`ember.saving.register_keras_serializable()`.",
            stacklevel=3,
        )
        return {
            "class_name": "__lambda__",
            "config": {"value": dump_function(fn)},
        }
    # Keras writes every named function alike: "builtins", its registered
    # name (else its own) as `config`, and "function" as `registered_name`.
    return registry.function_config(fn)


def _serialize_object(obj: Any) -> dict:
    cls = type(obj)
    module = registration.builtin_module(obj)
    registered = registry.registered_name(cls)
    if module is not None and registered is None:
        registered_name = None
        if cls.__name__ == "Functional":
            registered_name = "Functional"
    else:
        # As Keras: a class defined in `__main__` is written with no module.
        module = None if cls.__module__ == "__main__" else cls.__module__
        registered_name = registered or cls.__name__
    config = {
        "module": module,
        "class_name": cls.__name__,
        "config": obj.get_config(),
        "registered_name": registered_name,
    }
    build_config = _build_config(obj)
    if build_config is not None:
        config["build_config"] = build_config
    compile_config = getattr(obj, "get_compile_config", None)
    if callable(compile_config):
        value = compile_config()
        if value is not None:
            config["compile_config"] = serialize_keras_object(value)
    return config


def _build_config(obj: Any) -> dict | None:
    getter = getattr(obj, "get_build_config", None)
    if callable(getter):
        return getter()
    shapes = getattr(obj, "_build_shapes_dict", None)
    if not shapes or not getattr(obj, "built", False):
        return None
    if len(shapes) == 1:
        return {k: _shape_list(v) for k, v in shapes.items()}
    # A layer built from several inputs (`build(query_shape, value_shape,
    # key_shape=None)`): Keras lists the shapes of the inputs given.
    return {
        "shapes_dict": {
            k: _shape_list(v) for k, v in shapes.items() if v is not None
        }
    }


def _shape_list(shape: Any) -> Any:
    if isinstance(shape, tuple | list):
        return [_shape_list(s) for s in shape]
    if isinstance(shape, dict):
        return {k: _shape_list(v) for k, v in shape.items()}
    return shape


# -- deserialize -------------------------------------------------------
def deserialize_keras_object(
    config: Any,
    custom_objects: dict | None = None,
    safe_mode: bool = True,
    **kwargs,
) -> Any:
    """Rebuilds the object a Keras 3 config describes.

    Classes are looked up, in order, in `custom_objects`, the enclosing
    `custom_object_scope`s, the objects registered with
    `register_keras_serializable`, then ember's built-ins. The config's
    `"module"` only chooses among the built-in families; it is never
    imported.

    Args:
        config: what `serialize_keras_object` returned (or Keras wrote).
        custom_objects: optional dict of names to user classes/functions.
        safe_mode: when True (the default), configs that would run code
            from the file (a lambda's bytecode) are refused.

    Returns:
        The object.

    Raises:
        ValueError: for a class or function that no table knows, naming
            it and how to make it known; for a config nested more than
            `safe_json.MAX_DEPTH` levels deep or whose rebuilding exhausts
            the stack.
    """
    del kwargs  # Keras' module_objects / printable_module_name: unused.
    custom_objects = dict(custom_objects or {})
    outer = registration.in_safe_mode()
    if outer is not None:
        # Objects rebuilt while loading follow the loader's safe mode.
        with registration.CustomObjectScope(custom_objects):
            return _deserialize(config, custom_objects)
    # The top call: checks the config's depth, then turns running out of
    # stack (a deep config, a `from_config` that calls itself) into a
    # ValueError.
    check_depth(config, "the config")
    try:
        with registration.safe_mode_scope(safe_mode):
            with registration.CustomObjectScope(custom_objects):
                return _deserialize(config, custom_objects)
    except RecursionError:
        raise ValueError(
            "Cannot deserialize the config: rebuilding it recursed past "
            "Python's stack limit (the config nests objects too deeply, "
            "or a `from_config` calls itself)."
        ) from None


def _deserialize(config: Any, custom_objects: dict) -> Any:
    if config is None or isinstance(config, bool | int | float):
        return config
    if isinstance(config, str):
        return config
    if isinstance(config, list | tuple):
        items = [_deserialize(x, custom_objects) for x in config]
        return tuple(items) if isinstance(config, tuple) else items
    if not isinstance(config, dict):
        return config  # Already an object (e.g. rebuilt by the caller).
    if "class_name" not in config or "config" not in config:
        return {k: _deserialize(v, custom_objects) for k, v in config.items()}
    _check_entry(config)
    class_name = config["class_name"]
    inner = config["config"]
    special = _deserialize_special(class_name, inner, custom_objects)
    if special is not _NOT_SPECIAL:
        return special
    if class_name in ("function", "__class__") and not isinstance(inner, str):
        raise ValueError(
            f"Invalid config entry {class_name!r}: expected `config` to be "
            f"the name of a {class_name.strip('_')}. Received: config="
            f"{_short(inner)}"
        )
    if class_name == "function":
        return registration.find_function(config, custom_objects)
    if class_name == "__class__":
        return registration.find_class(
            {**config, "class_name": inner, "registered_name": inner},
            custom_objects,
        )
    cls = registration.find_class(config, custom_objects)
    if not hasattr(cls, "from_config"):
        raise TypeError(
            f"Class {cls.__name__} has no `from_config()` method; it cannot "
            "be built from a config."
        )
    if not isinstance(inner, dict):
        raise ValueError(
            f"Invalid config entry {class_name!r}: expected `config` to be a "
            f"dict of {class_name}'s arguments. Received: config="
            f"{_short(inner)}"
        )
    check_config_arguments(_owner(class_name, inner), cls, inner)
    inner = _with_custom_values(inner, custom_objects)
    params = inspect.signature(cls.from_config).parameters
    extra = {}
    if "custom_objects" in params:
        extra["custom_objects"] = custom_objects
    if "safe_mode" in params:
        extra["safe_mode"] = registration.in_safe_mode()
    try:
        obj = cls.from_config(inner, **extra)
        build_config = config.get("build_config")
        if build_config and not getattr(obj, "built", True):
            _build_from_config(obj, build_config)
    except (ValueError, TypeError) as error:
        located = _located(error, class_name, inner)
        if located is error:
            raise
        raise located from error
    compile_config = config.get("compile_config")
    if compile_config and hasattr(obj, "compile_from_config"):
        # As in Keras, the model deserializes its compile config itself.
        obj.compile_from_config(compile_config)
    return obj


def _owner(class_name: str, inner: dict) -> str:
    """How messages name the object an entry builds: `Dense 'dense_1'`."""
    name = inner.get("name")
    return class_name if name is None else f"{class_name} {_short(name)}"


def _located(error: Exception, class_name: str, inner: dict) -> Exception:
    """`error`, raised while building an entry, prefixed with the entry's
    class and name unless its message names them already. Nested entries
    prefix in turn, so a message from a layer deep in a model reads as a
    path: `Functional 'outer': Dense 'dense_1': ...`."""
    if type(error) not in (ValueError, TypeError):
        return error
    name = inner.get("name")
    message = str(error)
    if isinstance(name, str) and (
        f"'{name}'" in message or f'"{name}"' in message
    ):
        return error
    # A message that names only the class (`Adam: expected ...`) gains
    # the name in place.
    message = message.removeprefix(f"{class_name}: ")
    return type(error)(f"{_owner(class_name, inner)}: {message}")


def _check_entry(config: dict) -> None:
    """Refuses an object entry whose keys have the wrong types."""
    for key, kinds, expected in (
        ("class_name", str, "a string"),
        ("module", (str, type(None)), "a string or None"),
        ("registered_name", (str, type(None)), "a string or None"),
        ("build_config", (dict, type(None)), "a dict or None"),
        ("compile_config", (dict, type(None)), "a dict or None"),
    ):
        if key in config and not isinstance(config[key], kinds):
            raise ValueError(
                f"Invalid config entry {_short(config.get('class_name'))}: "
                f"expected `{key}` to be {expected}. Received: "
                f"{key}={_short(config[key])}"
            )


def _with_custom_values(inner: dict, custom_objects: dict) -> dict:
    """`inner` with its user objects (functions, initializers...) built.

    A layer resolves the nested objects of its config itself, through the
    built-in tables of its own package, which cannot see the registry or
    `custom_objects`; user objects are therefore built here first.
    """
    result = dict(inner)
    for key, value in inner.items():
        if not (
            isinstance(value, dict)
            and "class_name" in value
            and "config" in value
        ):
            continue
        if value["class_name"] == "function":
            found = registration.find_custom_function(value, custom_objects)
            if found is not None:
                result[key] = found
        elif registration.lookup_custom(value, custom_objects) is not None:
            result[key] = _deserialize(value, custom_objects)
    return result


_NOT_SPECIAL = object()


def _field(class_name: str, inner: Any, key: str, kinds, expected: str):
    """`inner[key]` of a special entry, checked to be of `kinds`."""
    if not isinstance(inner, dict) or key not in inner:
        raise ValueError(
            f"Invalid special entry {class_name!r}: expected its `config` "
            f"to be a dict with the key {key!r}. Received: config="
            f"{_short(inner)}"
        )
    value = inner[key]
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    if not isinstance(value, kinds) or (
        isinstance(value, bool) and bool not in kinds
    ):
        raise ValueError(
            f"Invalid special entry {class_name!r}: expected `{key}` to be "
            f"{expected}. Received: {key}={_short(value)}"
        )
    return value


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 200 else shown[:200] + "..."


def _array_entry(class_name: str, inner: Any) -> np.ndarray:
    """The host array of a `__numpy__` / `__tensor__` entry, checked."""
    value = _field(
        class_name, inner, "value", (list, int, float, str), "a nested list"
    )
    dtype = _field(class_name, inner, "dtype", str, "a dtype name")
    try:
        dtype = standardize_dtype(dtype)
        raw = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"Invalid special entry {class_name!r}: {error}. Received: "
            f"{_short(inner)}"
        ) from None
    allowed = "biuf" + ("U" if class_name == "__numpy__" else "")
    if raw.dtype.kind not in allowed or (
        dtype == "string" and raw.dtype.kind != "U"
    ):
        raise ValueError(
            f"Invalid special entry {class_name!r}: expected `value` to be "
            f"a (nested) list of numbers of dtype {dtype}. Received: "
            f"{_short(inner)}"
        )
    try:
        return raw.astype(raw.dtype if dtype == "string" else dtype)
    except (TypeError, ValueError, OverflowError) as error:
        raise ValueError(
            f"Invalid special entry {class_name!r}: its values do not fit "
            f"dtype {dtype} ({error})."
        ) from None


def _deserialize_special(class_name: str, inner: Any, custom: dict) -> Any:
    if not isinstance(class_name, str):
        raise ValueError(
            "Invalid config entry: expected `class_name` to be a string. "
            f"Received: class_name={_short(class_name)}"
        )
    if class_name == "__tensor__":
        return jax.numpy.asarray(_array_entry(class_name, inner))
    if class_name == "__numpy__":
        return _array_entry(class_name, inner)
    if class_name == "__bytes__":
        return _field(class_name, inner, "value", str, "a string").encode()
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        parts = []
        for key in ("start", "stop", "step"):
            value = _field(
                class_name, inner, key, (int, type(None)), "an int or None"
            )
            parts.append(value)
        return slice(*parts)
    if class_name == "__keras_tensor__":
        shape = check_shape(
            "Special entry '__keras_tensor__'",
            "shape",
            _field(class_name, inner, "shape", (list, tuple), "a shape"),
        )
        dtype = _field(class_name, inner, "dtype", str, "a dtype name")
        history = inner.get("keras_history")
        if history is not None and not (
            isinstance(history, list | tuple)
            and len(history) == 3
            and isinstance(history[0], str)
            and all(is_integer(i) and 0 <= i < 2**31 for i in history[1:])
        ):
            raise ValueError(
                "Invalid special entry '__keras_tensor__': expected "
                "`keras_history` to be [layer name, node index, tensor "
                f"index]. Received: keras_history={_short(history)}"
            )
        tensor = SymbolicTensor(shape, dtype=standardize_dtype(dtype))
        tensor._pre_serialization_keras_history = history
        return tensor
    if class_name == "__lambda__":
        if registration.in_safe_mode() is not False:
            raise ValueError(
                "This config holds a Python lambda as bytecode: loading it "
                "would run code from the file. If you trust its source, "
                "pass `safe_mode=False` to the loading function. Better: "
                "register a named function with "
                "`ember.saving.register_keras_serializable()` and save again."
            )
        value = inner.get("value") if isinstance(inner, dict) else None
        if not isinstance(value, list | tuple) or len(value) != 3:
            raise ValueError(f"Invalid saved lambda. Received: {inner!r}")
        return load_function(*value, namespace=custom)
    if class_name == "__typespec__":
        raise ValueError("TensorFlow type specs are not supported by ember.")
    return _NOT_SPECIAL


def _valid_shape(shape: Any, depth: int = 0) -> bool:
    """Whether `shape` is a shape, or a list / dict of shapes."""
    if shape is None:
        return True
    if depth > 8:
        return False
    if isinstance(shape, dict):
        return all(_valid_shape(s, depth + 1) for s in shape.values())
    if not isinstance(shape, list | tuple):
        return False
    if all(d is None or is_integer(d) for d in shape):
        return all(d is None or d >= 0 for d in shape)
    return all(
        isinstance(s, list | tuple | dict) and _valid_shape(s, depth + 1)
        for s in shape
    )


def _check_build_config(obj: Any, build_config: dict) -> None:
    shapes = build_config
    if set(build_config) == {"shapes_dict"}:
        shapes = build_config["shapes_dict"]
    if isinstance(shapes, dict) and all(
        _valid_shape(v) for v in shapes.values()
    ):
        return
    raise ValueError(
        f'{type(obj).__name__} "{getattr(obj, "name", "?")}": invalid '
        "`build_config`: expected input shapes (lists of non-negative "
        f"integers or None). Received: build_config={_short(build_config)}"
    )


def _build_from_config(obj: Any, build_config: dict) -> None:
    _check_build_config(obj, build_config)
    builder = getattr(obj, "build_from_config", None)
    if callable(builder):
        builder(build_config)
        return
    if set(build_config) == {"shapes_dict"}:
        # Keras' form for a layer built from several inputs.
        build_config = build_config["shapes_dict"]
    if "input_shape" in build_config and len(build_config) == 1:
        shape = _shape_tuple(build_config["input_shape"])
        if shape is not None:
            obj.build(shape)
            obj._build_shapes_dict = {"input_shape": shape}
            obj.built = True
    else:
        shapes = {k: _shape_tuple(v) for k, v in build_config.items()}
        obj.build(**shapes)
        obj._build_shapes_dict = shapes
        obj.built = True


def _shape_tuple(shape: Any) -> Any:
    if isinstance(shape, list | tuple):
        if all(d is None or isinstance(d, int) for d in shape):
            return tuple(shape)
        return [_shape_tuple(s) for s in shape]
    return shape


registry.install_codec(serialize_keras_object, deserialize_keras_object)
