"""The `.weights.h5` layout of Keras 3: write it, and read it safely.

A model's state is stored as one HDF5 group per object that owns
variables, at the object's path in the model's object tree: the model at
the root (`vars/`), the layers of a functional or sequential model under
`layers/<class name in snake case>` (`layers/conv2d`, `layers/conv2d_1`),
the attributes of other layers and subclassed models under their
attribute names (private ones last, as Keras orders them), and a compiled
model's optimizer under `optimizer/` (a LossScaleOptimizer's inner one
also under `optimizer/inner_optimizer/`). Each object's variables are the
datasets `0`, `1`, ... of its `vars` group, in Keras' order (trainable,
then non-trainable). Files move both ways between ember and Keras.

Loading reads and checks the whole file (`weights_reading`) before any
variable changes, then matches its entries to the model's variables.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any

import jax.numpy as jnp
import numpy as np

from ember.core import naming
from ember.core.atomic import atomic_write
from ember.layers.layer import Layer
from ember.optimizers.optax_optimizer import OptaxOptimizer
from ember.optimizers.optimizer import Optimizer
from ember.saving.weights_reading import check_readable
from ember.saving.weights_reading import join_path
from ember.saving.weights_reading import read_weights

if TYPE_CHECKING:
    import h5py

# Attributes that hold bookkeeping rather than child objects: Sequential's
# inner graph and stack, Functional's operations (Keras skips the same).
_EXTRA_SKIPPED = frozenset(
    {"_functional", "_stack", "operations", "_operations", "_model_layers"}
)
_SKIPPED: set[str] = set()


# -- the object tree ----------------------------------------------------------
def _skipped_attributes() -> set[str]:
    """The attributes every layer has; like Keras, those are not walked."""
    if not _SKIPPED:
        reference = Layer(name="ember_saving_reference")
        _SKIPPED.update(dir(reference))
        _SKIPPED.update(_EXTRA_SKIPPED)
    return _SKIPPED


def _is_saveable(obj: Any) -> bool:
    return isinstance(obj, Layer | Optimizer | OptaxOptimizer)


def _is_graph_model(obj: Any) -> bool:
    names = {cls.__name__ for cls in type(obj).__mro__}
    return bool(names & {"Functional", "Sequential"})


def _attribute_order(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def _children(obj: Any) -> Iterator[tuple[str, Any]]:
    """`(attribute, value)` pairs of a layer, in Keras' visiting order."""
    if _is_graph_model(obj):
        # The graph's own layers come first, so that attributes added by a
        # subclass never take their paths.
        yield "layers", obj.layers
    skipped = _skipped_attributes()
    for name in sorted(dir(obj), key=_attribute_order):
        if name.startswith("__") or name in skipped:
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # An attribute that fails to read is no child.
            continue
        yield name, value


def _walk(obj, path, visited, found) -> None:
    if id(obj) in visited:
        return
    visited.add(id(obj))
    found.append((path, obj))
    if not isinstance(obj, Layer):
        # An optimizer's child is the one it wraps (LossScaleOptimizer's
        # `inner_optimizer`), whose variables Keras also stores there.
        inner = getattr(obj, "inner_optimizer", None)
        if _is_saveable(inner):
            _walk(inner, join_path(path, "inner_optimizer"), visited, found)
        return
    for name, child in _children(obj):
        if _is_saveable(child):
            _walk(child, join_path(path, name), visited, found)
        elif isinstance(child, list | tuple | dict):
            _walk_container(child, join_path(path, name), visited, found, set())


def _walk_container(container, path, visited, found, seen) -> None:
    if id(container) in seen:
        return
    seen.add(id(container))
    items = (
        list(container.values()) if isinstance(container, dict) else container
    )
    used: dict[str, int] = {}
    for item in items:
        if _is_saveable(item):
            name = _unique(naming.to_snake_case(type(item).__name__), used)
            _walk(item, join_path(path, name), visited, found)
        elif isinstance(item, list | tuple | dict):
            name = _unique("container", used)
            _walk_container(item, join_path(path, name), visited, found, seen)


def _unique(name: str, used: dict[str, int]) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def saveables(model: Any) -> list[tuple[str, Any]]:
    """`(path, object)` of every layer and optimizer under `model`.

    Each object appears once, at the first path Keras would give it.
    """
    found: list[tuple[str, Any]] = []
    _walk(model, "", set(), found)
    return found


def own_variables(obj: Any) -> list:
    """The variables an object stores in its own `vars` group."""
    if not isinstance(obj, Layer):
        return list(obj.variables)
    # The base class's hook, even where a subclass replaces it.
    store: dict = {}
    Layer.save_own_variables(obj, store)
    return list(store.values())


def _overrides(obj: Any, hook: str) -> bool:
    """Whether a layer's class replaces the base class's `hook`."""
    return getattr(type(obj), hook) is not getattr(Layer, hook)


# -- writing ------------------------------------------------------------------
def _to_numpy(value: Any) -> np.ndarray:
    return np.asarray(getattr(value, "value", value))


def write_weights(model: Any, h5file: h5py.File) -> None:
    """Writes `model`'s variables into an open, empty HDF5 file."""
    for path, obj in saveables(model):
        parent = h5file.require_group(path) if path else h5file
        group = parent.create_group("vars")
        name = getattr(obj, "name", None)
        if isinstance(name, str):
            group.attrs["name"] = name
        if isinstance(obj, Layer):
            # Keras' hook: the layer fills a dict of named arrays itself.
            store: dict = {}
            obj.save_own_variables(store)
        else:
            store = {str(i): v for i, v in enumerate(own_variables(obj))}
        for key, value in store.items():
            array = _to_numpy(value)
            if array.dtype == jnp.bfloat16:
                dataset = group.create_dataset(key, data=array)
                dataset.attrs["dtype"] = "bfloat16"
            else:
                group.create_dataset(key, data=array)


def weights_bytes(model: Any) -> bytes:
    """The `.weights.h5` file of `model`, in memory."""
    import h5py

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5file:
        write_weights(model, h5file)
    return buffer.getvalue()


def save_weights(model: Any, filepath: str) -> None:
    """Writes `model`'s variables to a `.weights.h5` file, atomically.

    Args:
        model: a built model.
        filepath: a path ending in `.weights.h5`.
    """
    import h5py

    if not getattr(model, "built", False):
        raise ValueError(
            f'Model "{model.name}" is not built yet, so it has no weights to '
            "save. Call it on data or `build()` it first."
        )

    def write(path: str) -> None:

        with h5py.File(path, "w") as h5file:
            write_weights(model, h5file)

    atomic_write(filepath, write)


def _describe(obj: Any, path: str) -> str:
    kind = "Optimizer" if not isinstance(obj, Layer) else "Layer"
    return f"{kind} '{obj.name}' (path '{path or '/'}')"


def _match(obj, path, variables, stored) -> str | None:
    """Why `stored` cannot be loaded into `variables`, or None."""
    if stored is None:
        stored = {}
    if len(stored) != len(variables):
        return (
            f"{_describe(obj, path)} has {len(variables)} variables "
            f"{[tuple(v.shape) for v in variables]}, but the file has "
            f"{len(stored)} at that path "
            f"{[tuple(np.shape(stored[k])) for k in sorted(stored)]}."
        )
    for i, variable in enumerate(variables):
        if str(i) not in stored:
            return (
                f"{_describe(obj, path)}: the file has no variable '{i}' at "
                "that path."
            )
        shape = tuple(np.shape(stored[str(i)]))
        if shape != tuple(variable.shape):
            return (
                f"{_describe(obj, path)}: variable {i} "
                f"'{getattr(variable, 'path', variable.name)}' has shape "
                f"{tuple(variable.shape)} in the model but {shape} in the "
                "file."
            )
    return None


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(f"{prefix}/")


def load_entries(
    model: Any, entries: dict, skip_mismatch: bool = False
) -> None:
    """Assigns read weights to `model`'s variables, checking everything
    before anything changes.

    Args:
        model: a built model.
        entries: `{path: {"0": array, ...}}` from `read_weights`.
        skip_mismatch: warn about and skip objects whose variables do not
            match instead of raising.
    """
    problems: list[str] = []
    assignments: list = []
    matched: set[str] = set()
    for path, obj in saveables(model):
        stored = entries.get(path)
        if stored is not None:
            matched.add(path)
        if not isinstance(obj, Layer):
            _load_optimizer(obj, path, stored, assignments)
            continue
        if _overrides(obj, "load_own_variables"):
            # A custom layer loads itself (Keras' hook); it runs last.
            assignments.append((obj, dict(stored or {})))
            continue
        variables = own_variables(obj)
        if not variables and not stored:
            continue
        problem = _match(obj, path, variables, stored)
        if problem:
            problems.append(problem)
            continue
        for i, variable in enumerate(variables):
            assignments.append((variable, stored[str(i)]))
    has_optimizer = any(not isinstance(o, Layer) for _, o in saveables(model))
    for path, stored in entries.items():
        if path in matched or not stored:
            continue
        if not has_optimizer and _under(path, "optimizer"):
            # Keras ignores a saved optimizer when the model has none.
            continue
        if path.startswith("optimizer/"):
            # Nor does it read a wrapped optimizer's entry (a
            # LossScaleOptimizer's inner one) the model's optimizer lacks;
            # the optimizer's own entry warns when it does not match.
            continue
        problems.append(
            f"The file has {len(stored)} variables at path '{path}' "
            f"{[tuple(np.shape(stored[k])) for k in sorted(stored)]}, but "
            f'model "{model.name}" has no layer there.'
        )
    if problems:
        message = (
            f'Weights could not be loaded into model "{model.name}":\n- '
            + "\n- ".join(problems)
        )
        if not skip_mismatch:
            raise ValueError(message)
        warnings.warn(
            message + "\nThese were skipped (skip_mismatch=True).",
            stacklevel=3,
        )
    for target, value in assignments:
        if isinstance(target, Layer):
            for item in value.values():
                check_readable(item)
        else:
            check_readable(value, tuple(target.shape))
    for target, value in assignments:
        if isinstance(target, Layer):
            target.load_own_variables(value)
        else:
            target.assign(value)


def _load_optimizer(optimizer, path, stored, assignments) -> None:
    variables = list(optimizer.variables)
    if not stored:
        return
    if set(stored) != {str(i) for i in range(len(variables))} or any(
        tuple(np.shape(stored[str(i)])) != tuple(v.shape)
        for i, v in enumerate(variables)
    ):
        # As Keras: an optimizer not built yet (or built differently)
        # keeps its state, with a warning.
        warnings.warn(
            f"Skipping variable loading for optimizer '{optimizer.name}', "
            f"because it has {len(variables)} variables whereas the saved "
            f"optimizer has {len(stored)} variables."
            + (
                " This is likely because the optimizer has not been built yet."
                if not optimizer.built
                else ""
            ),
            stacklevel=4,
        )
        return
    for i, variable in enumerate(variables):
        assignments.append((variable, stored[str(i)]))


def load_weights(
    model: Any, filepath: Any, skip_mismatch: bool = False
) -> None:
    """Loads a `.weights.h5` file (path, bytes or file object) into
    `model`.

    Args:
        model: a built model with the architecture that wrote the file.
        filepath: the weights file.
        skip_mismatch: warn about and skip layers whose variables do not
            match instead of raising a `ValueError`.
    """
    if not getattr(model, "built", False):
        raise ValueError(
            f'Model "{model.name}" is not built yet, so it has no variables '
            "to load weights into. Call it on data or `build()` it first."
        )
    entries, _ = read_weights(filepath)
    load_entries(model, entries, skip_mismatch=skip_mismatch)
