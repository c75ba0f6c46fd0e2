"""The registry of user classes and functions that configs may name.

A saved config names a class by its registered name (`"Custom>MyLayer"`).
Loading finds it here, in a `custom_object_scope`, or in the
`custom_objects` passed to the loader; nothing is ever imported by name.
The tables themselves live in `ember.core.registry`, so that the packages
below `saving` write registered names too.
"""

import contextlib
import inspect
import threading
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

from ember.core import registry
from ember.core.family import families
from ember.core.lookup import unknown_identifier_error
from ember.core.registry import GLOBAL_CUSTOM_NAMES
from ember.core.registry import GLOBAL_CUSTOM_OBJECTS
from ember.core.registry import scope_stack as _scope_stack

_SAFE_MODE = threading.local()


class CustomObjectScope:
    """Makes user objects visible to deserialization inside a `with` block.

    Args:
        custom_objects: a dict mapping names (the class name or the
            registered name a config uses) to classes or functions.

    Example:

    >>> class MyLayer(ember.layers.Layer):
    ...     pass
    >>> with ember.saving.custom_object_scope({"MyLayer": MyLayer}):
    ...     layer = ember.saving.deserialize_keras_object(
    ...         {"class_name": "MyLayer", "config": {"name": "x"}})
    >>> type(layer).__name__
    'MyLayer'
    """

    def __init__(self, custom_objects: dict | None = None):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self) -> "CustomObjectScope":
        _scope_stack().append(self.custom_objects)
        return self

    def __exit__(self, *exc_info) -> None:
        _scope_stack().pop()


custom_object_scope = CustomObjectScope


def get_custom_objects() -> dict[str, Any]:
    """Returns the global dict of registered objects (mutable, as in Keras).

    Adding an entry `get_custom_objects()["MyLayer"] = MyLayer` makes the
    class loadable by that name everywhere.
    """
    return GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(
    package: str = "Custom", name: str | None = None
) -> Callable:
    """Registers a class or function so configs can name it.

    It is registered as `"<package>>name"` (`name` defaults to the class or
    function's own name); configs written for it carry that registered
    name, and loading finds it again without `custom_objects`.

    Args:
        package: the package part of the registered name.
        name: the name part; the object's `__name__` when None.

    Returns:
        A decorator that registers its argument and returns it unchanged.

    Example:

    >>> @ember.saving.register_keras_serializable(package="demo")
    ... class Scale(ember.layers.Layer):
    ...     pass
    >>> ember.saving.get_registered_name(Scale)
    'demo>Scale'
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(
            "Argument `package` must be a string without '>'. "
            f"Received: package={package!r}"
        )

    def decorator(arg: Any) -> Any:
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError(
                f"Cannot register {arg.__name__}: classes passed to "
                "`register_keras_serializable` must define `get_config()`."
            )
        GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj: Any) -> str:
    """Returns the name `obj` is registered under, else its `__name__`."""
    name = registry.registered_name(obj)
    if name is not None:
        return name
    return getattr(obj, "__name__", type(obj).__name__)


def get_registered_object(
    name: str,
    custom_objects: dict | None = None,
    module_objects: dict | None = None,
) -> Any:
    """Returns the object registered under `name`, or None.

    Searched in order: the innermost `custom_object_scope` outwards, the
    global registry, then `custom_objects`, then `module_objects`.

    Args:
        name: a registered name (`"Custom>MyLayer"`) or a plain name.
        custom_objects: an optional dict of user objects.
        module_objects: an optional dict of fallback objects.
    """
    found = registry.lookup(name)
    if found is not None:
        return found
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def _all_custom_names() -> list[str]:
    names = list(GLOBAL_CUSTOM_OBJECTS)
    for scope in _scope_stack():
        names.extend(scope)
    return names


# -- safe mode ----------------------------------------------------------------
def in_safe_mode() -> bool | None:
    """Whether deserialization runs in safe mode (None outside loading)."""
    stack = getattr(_SAFE_MODE, "stack", None)
    return stack[-1] if stack else None


@contextlib.contextmanager
def safe_mode_scope(safe_mode: bool) -> Iterator[None]:
    """Sets the safe mode seen by `in_safe_mode` inside the block."""
    if not hasattr(_SAFE_MODE, "stack"):
        _SAFE_MODE.stack = []
    _SAFE_MODE.stack.append(bool(safe_mode))
    try:
        yield
    finally:
        _SAFE_MODE.stack.pop()


# -- built-in tables and lookup by name --------------------------------
# Keras' public modules in the order a config without a module searches
# them; each family declares its built-ins (`ember.core.family`).
_SEARCH_ORDER = (
    "keras.layers",
    "keras.losses",
    "keras.metrics",
    "keras.optimizers.schedules",
    "keras.optimizers",
    "keras.initializers",
    "keras.regularizers",
    "keras.constraints",
    "keras.activations",
)
_MODEL_MODULES = ("keras.models", "keras.src.models", "keras.src.engine")


def builtin_tables() -> tuple[dict, dict]:
    """Built-in classes and functions by Keras family."""
    declared = families()
    classes, functions = {}, {}
    for keras_module in _SEARCH_ORDER:
        family = declared[keras_module]
        classes[keras_module] = {
            name: obj
            for name, obj in family.by_name.items()
            if inspect.isclass(obj)
        }
        functions[keras_module] = dict(family.function_names)
    return classes, functions


def _builtin_models() -> dict[str, type]:
    return families()["keras.models"].by_name


def _family_of(module: str | None) -> str | None:
    """The Keras family a module name belongs to, e.g. `"keras.layers"`."""
    if not module:
        return None
    if module.startswith(_MODEL_MODULES) or module == "keras":
        return "keras.models"
    short = module.replace("keras.src.", "keras.").replace("ember.", "keras.")
    for keras_module in _SEARCH_ORDER:
        if short == keras_module or short.startswith(keras_module + "."):
            return keras_module
    return None


def builtin_module(obj: Any) -> str | None:
    """The Keras module to write for a built-in ember object, else None."""
    cls = obj if inspect.isclass(obj) else type(obj)
    if cls in _builtin_models().values():
        if cls.__name__ == "Functional":
            return "keras.src.models.functional"
        return "keras"
    classes, _ = builtin_tables()
    for keras_module, table in classes.items():
        if table.get(cls.__name__) is cls:
            return keras_module
    return None


def _check_registered_class(config: dict, found: Any) -> None:
    """Refuses a config whose `registered_name` finds a class that its
    `class_name` and `module` do not describe (a file that names one class
    but would build another)."""
    class_name = config.get("class_name")
    module = config.get("module")
    name_differs = found.__name__ != class_name
    builtin_claimed = (
        isinstance(module, str)
        and (module == "keras" or module.startswith("keras."))
        and builtin_module(found) is None
    )
    if name_differs or builtin_claimed:
        raise ValueError(
            "Refusing to load the config: its registered_name "
            f"{config.get('registered_name')!r} names the class "
            f"{found.__module__}.{found.__name__}, but the entry says "
            f"class_name={class_name!r} and module={module!r}. The file "
            "names one class and would build another."
        )


def lookup_custom(config: dict, custom_objects: dict) -> Any:
    """The user class a config names (registered or custom), or None.

    Raises:
        ValueError: when the class found by `registered_name` disagrees
            with the config's `class_name` or `module`.
    """
    registered = config.get("registered_name")
    for key in (registered, config.get("class_name")):
        if isinstance(key, str) and key not in ("function", "__class__"):
            found = get_registered_object(key, custom_objects)
            if found is not None:
                if (
                    key == registered
                    and registered != config.get("class_name")
                    and inspect.isclass(found)
                ):
                    _check_registered_class(config, found)
                return found
    return None


def find_class(config: dict, custom_objects: dict) -> Any:
    """The class a config names: custom objects first, then built-ins.

    The config's `"module"` only picks the built-in family searched; a
    module outside Keras' families finds no built-in.

    Raises:
        ValueError: naming the class and how to make it known.
    """
    class_name = config["class_name"]
    found = lookup_custom(config, custom_objects)
    if found is not None:
        return found
    family = _family_of(config.get("module"))
    classes, _ = builtin_tables()
    models = _builtin_models()
    if family == "keras.models" or (family is None and class_name in models):
        if class_name in models:
            return models[class_name]
    if family in classes and class_name in classes[family]:
        return classes[family][class_name]
    if config.get("module") in (None, "", "keras"):
        # Older configs name no module, and Keras writes "keras" for the
        # base classes it exports at its top (`keras.Loss`, `keras.Metric`):
        # any built-in family may hold it.
        for table in classes.values():
            if class_name in table:
                return table[class_name]
    known = [n for table in classes.values() for n in table] + list(models)
    raise _unknown("class", class_name, config, known)


def find_custom_function(config: dict, custom_objects: dict) -> Any:
    """The user function a `"class_name": "function"` config names, or
    None when it names no registered or custom function."""
    name = config.get("config")
    if not isinstance(name, str):
        return None
    for key in (config.get("registered_name"), name):
        if isinstance(key, str) and key != "function":
            found = get_registered_object(key, custom_objects)
            if found is not None:
                return found
    # Layers write a registered function under its plain name.
    matches = [
        obj
        for key, obj in GLOBAL_CUSTOM_OBJECTS.items()
        if key.split(">")[-1] == name and not inspect.isclass(obj)
    ]
    return matches[0] if len(matches) == 1 else None


def find_function(config: dict, custom_objects: dict) -> Any:
    """The function a `"class_name": "function"` config names."""
    name = config["config"]
    found = find_custom_function(config, custom_objects)
    if found is not None:
        return found
    family = _family_of(config.get("module"))
    _, functions = builtin_tables()
    if family in functions:
        order = [family]
    elif config.get("module") in (None, "builtins"):
        # Activations first: "relu" is an activation before a metric.
        order = ["keras.activations", *functions]
    else:
        order = []
    for key in order:
        if name in functions[key]:
            return functions[key][name]
    known = [n for table in functions.values() for n in table]
    raise _unknown("function", name, config, known)


def _unknown(kind: str, name: Any, config: dict, known: list) -> ValueError:
    module = config.get("module")
    return unknown_identifier_error(
        kind,
        name,
        known,
        where=f" (module {module!r})" if module else "",
        advice=(
            "Could not deserialize it: it is neither an ember built-in nor "
            "a registered object, and "
            "ember never imports a module named in a config. Register it "
            "with `@ember.saving.register_keras_serializable()`, or pass it "
            f"in `custom_objects={{{str(name)!r}: ...}}`."
        ),
        list_known=False,
    )
