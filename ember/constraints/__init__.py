"""ember.constraints: weight projections, with get / serialize / deserialize."""

import inspect
from typing import Any

from ember.constraints.constraints import Constraint
from ember.constraints.constraints import MaxNorm
from ember.constraints.constraints import MinMaxNorm
from ember.constraints.constraints import NonNeg
from ember.constraints.constraints import UnitNorm
from ember.core import registry
from ember.core.lookup import unknown_identifier_error

max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

_CLASSES = {
    cls.__name__: cls
    for cls in (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
}
_BY_NAME = {
    **_CLASSES,
    "constraint": Constraint,
    "max_norm": MaxNorm,
    "min_max_norm": MinMaxNorm,
    "non_neg": NonNeg,
    "unit_norm": UnitNorm,
}


def serialize(constraint: Any) -> dict | None:
    """Returns the Keras config dict of a constraint (None stays None).

    Args:
        constraint: a `Constraint` or None.

    Returns:
        `{"module": "keras.constraints", "class_name", "config",
        "registered_name"}`, or None.

    Example:

    >>> serialize(MaxNorm(3))["config"]
    {'max_value': 3, 'axis': 0}
    """
    if constraint is None:
        return None
    if not hasattr(constraint, "get_config") and callable(constraint):
        # A plain function is written by name, as Keras writes it.
        return registry.function_config(constraint)
    cls = type(constraint)
    if _CLASSES.get(cls.__name__) is not cls:
        # Its registered name ("my_package>Clip"), else its class name.
        return registry.user_object_config(constraint)
    return {
        "module": "keras.constraints",
        "class_name": cls.__name__,
        "config": constraint.get_config(),
        "registered_name": None,
    }


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    """Builds a constraint from a name or a Keras config dict.

    Args:
        config: a name such as `"non_neg"`, or `serialize()`'s dict.
        custom_objects: extra classes by name.

    Returns:
        The `Constraint`.

    Example:

    >>> type(deserialize({"class_name": "NonNeg", "config": {}})).__name__
    'NonNeg'
    """
    if isinstance(config, str):
        return get(config, custom_objects)
    name = config.get("class_name")
    table = {**_BY_NAME, **(custom_objects or {})}
    if name == "function":
        key = config.get("config")
        function = registry.lookup(key) or (custom_objects or {}).get(key)
        if function is None:
            raise unknown_identifier_error("constraint", key, table)
        return function
    cls = registry.lookup(config.get("registered_name")) or table.get(name)
    if cls is None:
        raise unknown_identifier_error("constraint", name, table)
    return cls.from_config(config.get("config", {}))


def get(identifier: Any, custom_objects: dict | None = None) -> Any:
    """Resolves a constraint from None, a name, a config dict or a callable.

    Args:
        identifier: None, a name (`"max_norm"`, `"MaxNorm"`), a Keras
            config dict, a `Constraint` or any callable `w -> w`.
        custom_objects: extra classes by name.

    Returns:
        The constraint (a callable), or None.

    Example:

    >>> get("unit_norm").get_config()
    {'axis': 0}
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier, custom_objects)
    if isinstance(identifier, str):
        table = {**_BY_NAME, **(custom_objects or {})}
        if identifier not in table:
            raise unknown_identifier_error("constraint", identifier, table)
        return table[identifier]()
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret constraint identifier: {identifier!r}"
    )
