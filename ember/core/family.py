"""Families of objects found by name: `get`, `serialize`, `deserialize`.

Every Keras namespace that turns names and config dicts into objects
(activations, initializers, losses, metrics, optimizers and their
schedules, regularizers, constraints, layers, models) declares its family
here once: its kind, the Keras module written for its built-ins, its
built-in classes and functions and their aliases, and registers it. The
namespace re-exports
`get` / `serialize` / `deserialize` on top of it, and loading a `.keras`
file reads the built-ins of every family from `families()`.

Lookup order, for every family: the registered user objects (innermost
`custom_object_scope` first), the `custom_objects` given, then the
built-ins. An unknown name gets one error, with the closest known names.
"""

import inspect
import types
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from ember.core import registry
from ember.core.lookup import unknown_identifier_error

_FAMILIES: dict[str, "Family"] = {}


class Family:
    """The built-ins of one namespace and how they are named and written.

    Args:
        kind: the singular name used in messages (`"regularizer"`).
        module: the Keras module written for built-ins
            (`"keras.regularizers"`); the key in `families()`.
        classes: the built-in classes.
        functions: the built-in functions.
        aliases: extra names (`{"l2": L2, "mse": mean_squared_error}`).
        hidden: classes accepted by name but never suggested (base classes
            such as `Metric`).
        function_aliases: names that `"function"` configs use for
            built-in functions where `aliases` names a class (metrics:
            `"mse"` is `MeanSquaredError`, the function `"mse"` is
            `mean_squared_error`).
        default: what `get(None)` returns.
        instantiate: when a name finds a class, whether it becomes an
            instance with default arguments: `"always"`, `"get"` (in `get`
            only; `deserialize("Mean")` gives the class, as for metrics)
            or `"never"`.
        names_for_functions: whether built-in functions are written as
            their bare name (activations: `"relu"`) rather than a
            `"function"` dict.
        case_insensitive: names match in any case (optimizers).

    Example:

    >>> class Clip:
    ...     def get_config(self):
    ...         return {}
    >>> family = Family("clip", "keras.clips", [Clip], aliases={"clip": Clip})
    >>> family.serialize(family.get("clip"))["class_name"]
    'Clip'
    """

    def __init__(
        self,
        kind: str,
        module: str,
        classes: Iterable[type] = (),
        functions: Iterable[Callable] = (),
        aliases: dict | None = None,
        *,
        hidden: Iterable[type] = (),
        function_aliases: dict | None = None,
        default: Any = None,
        instantiate: str = "always",
        names_for_functions: bool = False,
        case_insensitive: bool = False,
    ):
        self.kind = kind
        self.module = module
        self.classes = {cls.__name__: cls for cls in classes}
        self.functions = {fn.__name__: fn for fn in functions}
        self.aliases = dict(aliases or {})
        self.hidden = {cls.__name__: cls for cls in hidden}
        self.default = default
        self.instantiate = instantiate
        self.names_for_functions = names_for_functions
        self.case_insensitive = case_insensitive
        self.function_names = {
            **self.functions,
            **{k: v for k, v in self.aliases.items() if not inspect.isclass(v)},
            **(function_aliases or {}),
        }
        self.suggested = {**self.classes, **self.functions, **self.aliases}
        self.by_name = {**self.hidden, **self.suggested}
        if case_insensitive:
            self.suggested = {k.lower(): v for k, v in self.suggested.items()}
        self._folded = {name.lower(): obj for name, obj in self.by_name.items()}

    # -- finding -------------------------------------------------------------
    def builtin(self, name: Any) -> Any:
        """The built-in class or function called `name`, or None."""
        if not isinstance(name, str):
            return None
        found = self.by_name.get(name)
        if found is None and self.case_insensitive:
            found = self._folded.get(name.lower())
        return found

    def lookup(self, name: Any, custom_objects: dict | None = None) -> Any:
        """The object called `name`: registered, custom, then built-in."""
        if not isinstance(name, str):
            return None
        found = registry.lookup(name)
        if found is None and custom_objects:
            found = custom_objects.get(name)
        return found if found is not None else self.builtin(name)

    def find(self, name: Any, custom_objects: dict | None = None) -> Any:
        """`lookup`, raising the "unknown name" error when nothing is found."""
        found = self.lookup(name, custom_objects)
        if found is None:
            raise self.unknown(name, custom_objects)
        return found

    def find_function(
        self, name: Any, custom_objects: dict | None = None
    ) -> Any:
        """What a `"function"` config names: registered, custom, then the
        built-in functions (`"accuracy"` is the function, not the class)."""
        found = self.lookup(name, custom_objects)
        if found is not None and not self.is_builtin(found):
            return found
        return self.function_names.get(name) or self.find(name, custom_objects)

    def unknown(self, name: Any, custom_objects: dict | None = None):
        """The "unknown name, did you mean" error of this family."""
        known = [*self.suggested, *(custom_objects or {})]
        return unknown_identifier_error(self.kind, name, known)

    def is_builtin(self, obj: Any) -> bool:
        """Whether `obj` (a class, instance or function) is a built-in."""
        if isinstance(obj, types.FunctionType):
            return self.functions.get(obj.__name__) is obj
        cls = obj if inspect.isclass(obj) else type(obj)
        name = cls.__name__
        return (self.classes.get(name) or self.hidden.get(name)) is cls

    # -- the three public functions ------------------------------------------
    def get(self, identifier: Any, custom_objects: dict | None = None) -> Any:
        """Resolves None, a name, a Keras dict, a class, an instance or a
        callable."""
        if identifier is None:
            return self.default
        if isinstance(identifier, dict):
            return self.deserialize(identifier, custom_objects)
        if isinstance(identifier, str):
            return self._made(self.find(identifier, custom_objects))
        if inspect.isclass(identifier):
            return self._made(identifier)
        if callable(identifier):
            return identifier
        raise ValueError(
            f"Could not interpret {self.kind} identifier: {identifier!r}"
        )

    def serialize(self, obj: Any) -> Any:
        """The Keras config of `obj` (None stays None): a built-in class
        under the family's module, a built-in function by name, a user
        object under its registered name."""
        if obj is None:
            return None
        if isinstance(obj, types.FunctionType) or not hasattr(
            obj, "get_config"
        ):
            if not callable(obj):
                raise ValueError(
                    f"Cannot serialize {self.kind} {obj!r}: it is neither a "
                    "function nor an object with a `get_config` method."
                )
            if self.names_for_functions and self.is_builtin(obj):
                return obj.__name__
            return registry.function_config(obj)
        if not self.is_builtin(obj):
            return registry.user_object_config(obj)
        return {
            "module": self.module,
            "class_name": type(obj).__name__,
            "config": obj.get_config(),
            "registered_name": None,
        }

    def deserialize(
        self, config: Any, custom_objects: dict | None = None
    ) -> Any:
        """Builds the object of a name or a Keras dict; registered user
        objects are found by their registered name."""
        if isinstance(config, str):
            found = self.find(config, custom_objects)
            return self._made(found) if self.instantiate == "always" else found
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(
                f"Could not deserialize a {self.kind} from config: expected "
                f"a name or a dict with a 'class_name' key. Received: "
                f"{config!r}"
            )
        name = config["class_name"]
        inner = config.get("config")
        if name == "function":
            return self.find_function(inner, custom_objects)
        found = self.lookup(config.get("registered_name"), custom_objects)
        if found is None:
            found = self.find(name, custom_objects)
        if not inspect.isclass(found):
            return found
        return from_config(found, inner or {}, custom_objects)

    def _made(self, found: Any) -> Any:
        if self.instantiate != "never" and inspect.isclass(found):
            return found()
        return found


def from_config(cls: type, config: dict, custom_objects: dict | None) -> Any:
    """`cls.from_config(config)` (with `custom_objects` where it takes
    them), or `cls(**config)` for a class without `from_config`."""
    build = getattr(cls, "from_config", None)
    if build is None:
        return cls(**config)
    if "custom_objects" in inspect.signature(build).parameters:
        return build(config, custom_objects=custom_objects)
    return build(config)


def register(family: Family) -> Family:
    """Declares `family` as the built-ins of its Keras module, for loading
    files (`families()`); returns it."""
    _FAMILIES[family.module] = family
    return family


def families() -> dict[str, Family]:
    """Every declared family by its Keras module (`"keras.losses"`)."""
    return dict(_FAMILIES)
