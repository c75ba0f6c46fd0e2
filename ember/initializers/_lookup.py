"""Initializers by name: `get`, `serialize` and `deserialize`."""

import inspect
import types
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.core import registry
from ember.core.dtypes import standardize_dtype
from ember.core.lookup import unknown_identifier_error
from ember.core.naming import to_snake_case
from ember.initializers import constant_initializers as constant
from ember.initializers import random_initializers as random
from ember.initializers import variance_scaling_initializers as scaling
from ember.initializers.initializer import Initializer

_CLASSES: tuple[type, ...] = (
    Initializer,
    constant.Constant,
    constant.Identity,
    constant.Ones,
    constant.Zeros,
    random.RandomNormal,
    random.RandomUniform,
    random.TruncatedNormal,
    random.Orthogonal,
    scaling.VarianceScaling,
    scaling.GlorotNormal,
    scaling.GlorotUniform,
    scaling.HeNormal,
    scaling.HeUniform,
    scaling.LecunNormal,
    scaling.LecunUniform,
)
_BY_NAME: dict[str, type] = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
_BY_NAME.update(
    {
        "IdentityInitializer": constant.Identity,
        "OrthogonalInitializer": random.Orthogonal,
        "normal": random.RandomNormal,
        "uniform": random.RandomUniform,
        "one": constant.Ones,
        "zero": constant.Zeros,
    }
)


def _find(name: Any, custom_objects: dict | None) -> Any:
    found = registry.lookup(name)
    if found is not None:
        return found
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    return _BY_NAME.get(name)


def serialize(initializer: Any) -> dict | None:
    """Returns the Keras config dict of an initializer.

    Built-in initializers give `{"module": "keras.initializers",
    "class_name": ..., "config": ..., "registered_name": None}`, exactly as
    `keras.initializers.serialize`; other objects with `get_config` give
    their own module and class name, and their registered name
    (`"my_package>Fill"`, else the class name) as `registered_name`.

    Args:
        initializer: an initializer, a plain function, or None.

    Returns:
        The config dict, or None for None.
    """
    if initializer is None:
        return None
    if isinstance(initializer, types.FunctionType):
        return registry.function_config(initializer)
    cls = type(initializer)
    if not hasattr(initializer, "get_config"):
        raise ValueError(
            f"Cannot serialize initializer {initializer!r}: it has no "
            "`get_config` method."
        )
    if cls in _CLASSES:
        return {
            "module": "keras.initializers",
            "class_name": cls.__name__,
            "config": initializer.get_config(),
            "registered_name": None,
        }
    # Its registered name ("my_package>Fill"), else its class name.
    return registry.user_object_config(initializer)


def deserialize(
    config: str | dict, custom_objects: dict | None = None
) -> Callable:
    """Returns the initializer described by `config`.

    Args:
        config: a config dict as `serialize` returns (the older form with
            only `class_name` and `config` is accepted too), or a name.
        custom_objects: optional mapping of names to user classes or
            functions, searched before the built-ins.

    Returns:
        An initializer (or the user function a config names).
    """
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "Could not deserialize an initializer from config: expected a "
            f"name or a dict with a 'class_name' key. Received: {config!r}"
        )
    class_name = config["class_name"]
    inner = config.get("config") or {}
    if class_name == "function":
        found = _find(inner, custom_objects)
        if found is None:
            raise unknown_identifier_error("initializer", inner, _BY_NAME)
        return found
    found = _find(config.get("registered_name"), custom_objects)
    if found is None:
        found = _find(class_name, custom_objects)
    if found is None:
        raise unknown_identifier_error("initializer", class_name, _BY_NAME)
    if not inspect.isclass(found):
        return found
    if hasattr(found, "from_config"):
        return found.from_config(inner)
    return found(**inner)


def _from_array(array: Any) -> Callable:
    def initialize(shape, dtype=None):
        expected = tuple(array.shape)
        if tuple(int(dim) for dim in shape) != expected:
            raise ValueError(
                f"This initializer holds an array of shape {expected}; it "
                f"cannot fill shape {tuple(shape)}."
            )
        return jnp.asarray(array).astype(standardize_dtype(dtype))

    return initialize


def get(identifier: Any) -> Any:
    """Returns an initializer from a name, config, class or callable.

    Args:
        identifier: None (returned as is), a name such as `"glorot_uniform"`
            or `"GlorotUniform"`, a config dict, an initializer class (an
            instance is made), an array (an initializer returning it), or a
            callable `fn(shape, dtype=None)` (returned as is).

    Returns:
        An initializer, or None.

    Example:

    >>> type(get("he_normal")).__name__
    'HeNormal'
    """
    if identifier is None:
        return None
    if isinstance(identifier, str | dict):
        return deserialize(identifier)
    if isinstance(identifier, jax.Array | np.ndarray | np.generic):
        return _from_array(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret initializer identifier: {identifier!r}. "
        "Expected None, a name, a config dict, a class or a callable."
    )
