"""Config values of initializers (scalars, arrays, seeds) in Keras' format."""

from typing import Any

import jax
import numpy as np

from ember.core.dtypes import standardize_dtype
from ember.core.seed import SeedGenerator


def serialize_value(value: Any) -> Any:
    """Returns `value` as Keras writes it in a config.

    Python scalars, strings and None stay as they are; numpy scalars become
    Python scalars; arrays become `__numpy__` or `__tensor__` dicts; a
    `SeedGenerator` becomes a `keras.random` object config.
    """
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        items = [serialize_value(item) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, SeedGenerator):
        return {
            "module": "keras.random",
            "class_name": "SeedGenerator",
            "config": {"seed": value.get_config()["seed"], "name": value.name},
            "registered_name": None,
        }
    if isinstance(value, jax.Array):
        return {
            "class_name": "__tensor__",
            "config": {
                "value": np.asarray(value).tolist(),
                "dtype": standardize_dtype(value.dtype),
            },
        }
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return {
            "class_name": "__numpy__",
            "config": {
                "value": value.tolist(),
                "dtype": standardize_dtype(value.dtype),
            },
        }
    if isinstance(value, np.ndarray):
        return value.item()
    raise ValueError(
        f"Cannot serialize {value!r} (of type {type(value).__name__}) in an "
        "initializer config."
    )


def deserialize_value(value: Any) -> Any:
    """Inverse of `serialize_value`."""
    if isinstance(value, list | tuple):
        items = [deserialize_value(item) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    if not isinstance(value, dict):
        return value
    class_name = value.get("class_name")
    config = value.get("config", {})
    if class_name == "__numpy__":
        return np.array(config["value"], dtype=config["dtype"])
    if class_name == "__tensor__":
        return jax.numpy.asarray(config["value"], dtype=config["dtype"])
    if class_name == "SeedGenerator":
        return SeedGenerator(seed=config.get("seed"))
    raise ValueError(f"Cannot deserialize config value {value!r}.")
