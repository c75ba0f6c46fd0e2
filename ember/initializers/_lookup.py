"""Initializers by name: `get`, `serialize` and `deserialize`."""

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.core.dtypes import standardize_dtype
from ember.core.family import Family
from ember.core.family import register
from ember.core.naming import to_snake_case
from ember.initializers import constant_initializers as constant
from ember.initializers import random_initializers as random
from ember.initializers import variance_scaling_initializers as scaling
from ember.initializers.initializer import Initializer

_CLASSES: tuple[type, ...] = (
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
_FAMILY = register(
    Family(
        "initializer",
        "keras.initializers",
        _CLASSES,
        aliases={
            **{to_snake_case(cls.__name__): cls for cls in _CLASSES},
            "IdentityInitializer": constant.Identity,
            "OrthogonalInitializer": random.Orthogonal,
            "normal": random.RandomNormal,
            "uniform": random.RandomUniform,
            "one": constant.Ones,
            "zero": constant.Zeros,
        },
        hidden=(Initializer,),
    )
)


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
    return _FAMILY.serialize(initializer)


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
    return _FAMILY.deserialize(config, custom_objects)


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
    if isinstance(identifier, jax.Array | np.ndarray | np.generic):
        return _from_array(identifier)
    return _FAMILY.get(identifier)
