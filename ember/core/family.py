"""`get` / `serialize` / `deserialize` for a family of configurable objects.

Regularizers and constraints resolve the same way in Keras: by a name, a
config dict, a class (instantiated), an instance or any callable; and they
are written the same way: a built-in under the family's Keras module, a
user class under its registered name, a plain function by name.
"""

import inspect
from typing import Any

from ember.core import registry
from ember.core.lookup import unknown_identifier_error


class Family:
    """The lookup tables and conversions of one family of objects.

    Args:
        kind: the singular name used in messages (`"regularizer"`).
        module: the Keras module written for built-ins
            (`"keras.regularizers"`).
        classes: the built-in classes.
        aliases: extra names for them (`{"l2": L2}`).

    Example:

    >>> class Clip:
    ...     def get_config(self):
    ...         return {}
    >>> family = Family("clip", "keras.clips", [Clip], {"clip": Clip})
    >>> family.serialize(family.get("clip"))["class_name"]
    'Clip'
    """

    def __init__(self, kind: str, module: str, classes, aliases: dict):
        self.kind = kind
        self.module = module
        self.classes = {cls.__name__: cls for cls in classes}
        self.by_name = {**self.classes, **aliases}

    def _table(self, custom_objects: dict | None) -> dict:
        return {**self.by_name, **(custom_objects or {})}

    def serialize(self, obj: Any) -> dict | None:
        """The Keras dict of `obj` (None stays None)."""
        if obj is None:
            return None
        if not hasattr(obj, "get_config") and callable(obj):
            return registry.function_config(obj)
        cls = type(obj)
        if self.classes.get(cls.__name__) is not cls:
            return registry.user_object_config(obj)
        return {
            "module": self.module,
            "class_name": cls.__name__,
            "config": obj.get_config(),
            "registered_name": None,
        }

    def deserialize(self, config: Any, custom_objects: dict | None = None):
        """Builds the object of a name or a Keras dict; registered user
        objects are found by their registered name."""
        if isinstance(config, str):
            return self.get(config, custom_objects)
        table = self._table(custom_objects)
        name = config.get("class_name")
        if name == "function":
            key = config.get("config")
            found = registry.lookup(key) or table.get(key)
            if found is None:
                raise unknown_identifier_error(self.kind, key, table)
            return found
        cls = registry.lookup(config.get("registered_name")) or table.get(name)
        if cls is None:
            raise unknown_identifier_error(self.kind, name, table)
        return cls.from_config(config.get("config", {}))

    def get(self, identifier: Any, custom_objects: dict | None = None):
        """Resolves None, a name, a Keras dict, a class (instantiated
        with no arguments), an instance or a callable."""
        if identifier is None:
            return None
        if isinstance(identifier, dict):
            return self.deserialize(identifier, custom_objects)
        if isinstance(identifier, str):
            table = self._table(custom_objects)
            if identifier not in table:
                raise unknown_identifier_error(self.kind, identifier, table)
            return table[identifier]()
        if inspect.isclass(identifier):
            return identifier()
        if callable(identifier):
            return identifier
        raise ValueError(
            f"Could not interpret {self.kind} identifier: {identifier!r}"
        )
