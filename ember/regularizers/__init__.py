"""ember.regularizers: weight penalties, with get / serialize / deserialize."""

from typing import Any

from ember.core import registry
from ember.core.lookup import unknown_identifier_error
from ember.regularizers.regularizers import L1
from ember.regularizers.regularizers import L1L2
from ember.regularizers.regularizers import L2
from ember.regularizers.regularizers import OrthogonalRegularizer
from ember.regularizers.regularizers import Regularizer

l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

_CLASSES = {
    cls.__name__: cls
    for cls in (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
}
_BY_NAME = {
    **_CLASSES,
    "l1": L1,
    "l2": L2,
    "l1_l2": L1L2,
    "l1l2": L1L2,
    "orthogonal_regularizer": OrthogonalRegularizer,
}


def serialize(regularizer: Any) -> dict | None:
    """Returns the Keras config dict of a regularizer (None stays None).

    A built-in is written under `keras.regularizers`; a user class under
    its registered name (`"my_package>Halving"`), else its class name, and
    a plain function by name, as Keras writes them.
    """
    if regularizer is None:
        return None
    cls = type(regularizer)
    if not hasattr(regularizer, "get_config") and callable(regularizer):
        return registry.function_config(regularizer)
    if _CLASSES.get(cls.__name__) is not cls:
        return registry.user_object_config(regularizer)
    return {
        "module": "keras.regularizers",
        "class_name": cls.__name__,
        "config": regularizer.get_config(),
        "registered_name": None,
    }


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    """Builds a regularizer from a name or a Keras config dict.

    Registered user classes are found by their registered name.
    """
    if isinstance(config, str):
        return get(config, custom_objects)
    name = config.get("class_name")
    table = {**_BY_NAME, **(custom_objects or {})}
    if name == "function":
        function = config.get("config")
        found = registry.lookup(function) or table.get(function)
        if found is None:
            raise unknown_identifier_error("regularizer", function, table)
        return found
    cls = registry.lookup(config.get("registered_name")) or table.get(name)
    if cls is None:
        raise unknown_identifier_error("regularizer", name, table)
    return cls.from_config(config.get("config", {}))


def get(identifier: Any, custom_objects: dict | None = None) -> Any:
    """Resolves a regularizer from None, a name, a config dict or an object.

    Example:

    >>> get("l2").get_config()
    {'l2': 0.01}
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier, custom_objects)
    if isinstance(identifier, str):
        table = {**_BY_NAME, **(custom_objects or {})}
        if identifier not in table:
            raise unknown_identifier_error("regularizer", identifier, table)
        return table[identifier]()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret regularizer identifier: {identifier!r}"
    )
