"""Validate in-memory training data and convert it to numpy structures.

`adapt` is the first stage of the data path (STYLE.md 3.4): it takes what a
user hands to `fit`/`evaluate`/`predict` (numpy or JAX arrays, lists of
numbers, pandas DataFrames and Series, torch or TensorFlow tensors, and
lists/tuples/dicts of those for several inputs or outputs),
checks that every array has the same number of samples, turns `class_weight`
into per-sample weights and returns an `ArrayData` of numpy structures.
Sample weights stay None when neither `sample_weight` nor `class_weight` is
given, so that a step receives `(x, y)` as in Keras; padding rows are then
left out through the padding mask.

`unpack_x_y_sample_weight` reads a batch as a step or a generator gives it.
"""

import math
from typing import Any
from typing import NamedTuple

import jax
import numpy as np

from ember.core import config


class ArrayData(NamedTuple):
    """Adapted in-memory data; every leaf is a numpy array of `num_samples`.

    `y` is None for prediction. `sample_weight` is None when not given, a
    float array of shape `(N,)` (or the user's shape) when `y` is a single
    array, and a structure matching `y` (one array per output) when `y` is
    nested.
    """

    x: Any
    y: Any
    sample_weight: Any

    @property
    def num_samples(self) -> int:
        return int(jax.tree_util.tree_leaves(self.x)[0].shape[0])


def unpack_x_y_sample_weight(data: Any) -> tuple:
    """`(x, y, sample_weight)` from a batch `x`, `(x,)`, `(x, y)` or
    `(x, y, sample_weight)`; missing parts are None."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return (*data, None, None)[:3]
    raise ValueError(
        "A batch must be x, (x,), (x, y) or (x, y, sample_weight); received "
        f"a tuple of length {len(data)}."
    )


def _is_structure(value) -> bool:
    return isinstance(value, (list, tuple, dict))


def _is_number_list(value) -> bool:
    """A (nested) list of plain numbers is one array, not several inputs."""
    if not isinstance(value, (list, tuple)) or not value:
        return False
    first = value[0]
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    return isinstance(first, (int, float, bool, np.number))


def _module_root(value) -> str:
    """The top-level package of `value`'s type (`"pandas"`, `"torch"`):
    other libraries' types are recognised without importing them."""
    return type(value).__module__.partition(".")[0]


def _pandas_to_numpy(value, where: str) -> np.ndarray:
    """A DataFrame's values (samples x columns), or a Series' as one
    column `(N, 1)`, as Keras reads them."""
    frame = value.to_frame() if value.ndim == 1 else value
    text = {
        str(name): str(dtype)
        for name, dtype in frame.dtypes.items()
        if dtype.kind not in "biuf"
    }
    if text:
        raise TypeError(
            f"`{where}` is a pandas {type(value).__name__} with non-numeric "
            f"columns (name: dtype) {text}; expected numbers only. Encode "
            "those columns as numbers first."
        )
    array = frame.to_numpy()
    if array.dtype == object:  # e.g. nullable integer and boolean columns
        dtypes = {str(name): str(dtype) for name, dtype in frame.dtypes.items()}
        raise TypeError(
            f"`{where}` is a pandas {type(value).__name__} whose columns "
            f"(name: dtype) {dtypes} have no common numeric dtype; cast them "
            'first, e.g. `.astype("float32")`.'
        )
    return array


def _leaf_to_numpy(value, where: str):
    """One array-like as numpy: pandas and torch tensors by their own
    conversion (a torch tensor may need grad detached or live on a GPU)."""
    root = _module_root(value)
    if root == "pandas" and hasattr(value, "to_numpy"):
        return _pandas_to_numpy(value, where)
    if root == "torch" and hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def _to_numpy(value, where: str):
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _to_numpy(v, f"{where}[{k!r}]") for k, v in value.items()}
    if _is_structure(value) and not _is_number_list(value):
        converted = [_to_numpy(v, f"{where}[{i}]") for i, v in enumerate(value)]
        return type(value)(converted)
    if hasattr(value, "__next__") or callable(value):
        raise TypeError(
            f"`{where}` must be array-like; received {type(value).__name__}. "
            "Generators go through `GeneratorData`, and cannot be combined "
            "with `y`, `sample_weight` or `validation_split`."
        )
    array = _leaf_to_numpy(value, where)
    if array.dtype == object:
        raise TypeError(
            f"`{where}` could not be converted to a numeric array (got "
            f"{type(value).__name__} of ragged or non-numeric values)."
        )
    if array.ndim == 0:
        raise ValueError(
            f"`{where}` must have a leading sample axis; received a scalar."
        )
    return array


def _named_leaves(value, where: str):
    """Yield (name, array) for every array in a converted structure."""
    if value is None:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _named_leaves(v, f"{where}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _named_leaves(v, f"{where}[{i}]")
    else:
        yield where, value


def check_num_samples(**structures) -> int:
    """Return the common sample count; raise ValueError naming a mismatch."""
    named = []
    for where, structure in structures.items():
        named.extend(_named_leaves(structure, where))
    if not named:
        raise ValueError("No data given: `x` is empty or None.")
    first_name, first = named[0]
    for name, array in named[1:]:
        if array.shape[0] != first.shape[0]:
            raise ValueError(
                "All arrays must have the same number of samples: "
                f"{first_name} has {first.shape[0]} samples but {name} has "
                f"{array.shape[0]}."
            )
    return int(first.shape[0])


def check_batch_size(
    batch_size, default: int | None = 32, name: str = "batch_size"
) -> int:
    """Return `batch_size` (or `default` when None) after checking it."""
    if batch_size is None and default is not None:
        return default
    if isinstance(batch_size, bool) or not isinstance(
        batch_size, (int, np.integer)
    ):
        raise ValueError(
            f"`{name}` must be a positive integer; received {batch_size!r}."
        )
    if batch_size <= 0:
        raise ValueError(
            f"`{name}` must be a positive integer; received {batch_size}."
        )
    return int(batch_size)


def class_weight_to_sample_weight(y, class_weight) -> np.ndarray:
    """Per-sample weights from a `{class: weight}` dict, as Keras does.

    `y` may hold class indices of shape `(N,)` or `(N, 1)`, or one-hot /
    probability rows of shape `(N, C)` (the argmax is the class). Classes
    missing from the dict get weight 1.
    """
    if not isinstance(class_weight, dict):
        raise ValueError(
            "`class_weight` must be a dict mapping class index to weight; "
            f"received {type(class_weight).__name__}."
        )
    if _is_structure(y):
        raise ValueError(
            "`class_weight` is only supported for models with a single output;"
            f" received y of type {type(y).__name__}."
        )
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        labels = np.argmax(y, axis=-1)
    elif y.ndim == 2 or y.ndim == 1:
        labels = np.round(y.reshape(-1)).astype(np.int64)
    else:
        raise ValueError(
            "`class_weight` needs y of shape (N,), (N, 1) or one-hot (N, C); "
            f"received y of shape {y.shape}."
        )
    weights = np.ones(labels.shape[0], dtype=config.floatx())
    for label, weight in class_weight.items():
        weights[labels == int(label)] = weight
    return weights


def _sample_weight_for(y, sample_weight, num_samples):
    floatx = config.floatx()
    if sample_weight is None:
        return None
    if _is_structure(sample_weight):
        if not _is_structure(y) or (
            jax.tree_util.tree_structure(sample_weight)
            != jax.tree_util.tree_structure(y)
        ):
            raise ValueError(
                "Give one `sample_weight` array per output in `y`; the "
                f"structures differ: y is {jax.tree_util.tree_structure(y)}, "
                "sample_weight is "
                f"{jax.tree_util.tree_structure(sample_weight)}."
            )
        return jax.tree_util.tree_map(lambda w: w.astype(floatx), sample_weight)
    sample_weight = sample_weight.astype(floatx)
    if _is_structure(y):
        if sample_weight.ndim > 2 or sample_weight.size != num_samples:
            raise ValueError(
                "With several outputs a single `sample_weight` array must hold "
                "one weight per sample (shape (N,)); received shape "
                f"{sample_weight.shape}. Pass one array per output instead."
            )
        flat = sample_weight.reshape(-1)
        return jax.tree_util.tree_map(lambda _: flat, y)
    return sample_weight


def adapt(x, y=None, sample_weight=None, class_weight=None) -> ArrayData:
    """Validate and convert in-memory `fit`/`evaluate`/`predict` data.

    Args:
        x: an array, a list of numbers, or a list/tuple/dict of arrays.
        y: targets with the same kinds of structure, or None.
        sample_weight: an array of per-sample weights, or one per output.
        class_weight: optional dict mapping class index to weight; it
            cannot be combined with `sample_weight`.

    Returns:
        An `ArrayData` of numpy structures (`sample_weight` None when
        neither weights nor class weights are given).
    """
    if x is None:
        raise ValueError("`x` is required; received None.")
    if sample_weight is not None and class_weight is not None:
        raise ValueError(
            "Give either `sample_weight` or `class_weight`, not both."
        )
    x = _to_numpy(x, "x")
    y = _to_numpy(y, "y")
    sample_weight = _to_numpy(sample_weight, "sample_weight")
    num_samples = check_num_samples(x=x, y=y, sample_weight=sample_weight)
    if class_weight is not None:
        if y is None:
            raise ValueError("`class_weight` needs targets `y`.")
        sample_weight = class_weight_to_sample_weight(y, class_weight)
    sample_weight = _sample_weight_for(y, sample_weight, num_samples)
    return ArrayData(x, y, sample_weight)


def _slice(data: ArrayData, start: int, stop: int) -> ArrayData:
    return ArrayData(*jax.tree_util.tree_map(lambda a: a[start:stop], data))


def split_validation(data: ArrayData, validation_split) -> tuple:
    """Split off the last `validation_split` fraction, before any shuffling.

    Returns `(train, validation)`, both `ArrayData`, as Keras does: the
    validation part is the last `N - floor(N * (1 - split))` samples.
    """
    if not isinstance(data, ArrayData):
        raise ValueError(
            "`validation_split` is only supported for in-memory arrays; "
            f"received {type(data).__name__}. Pass `validation_data` instead."
        )
    if isinstance(validation_split, bool) or not (
        isinstance(validation_split, (int, float)) and 0 < validation_split < 1
    ):
        raise ValueError(
            "`validation_split` must be a float with 0 < validation_split < 1;"
            f" received {validation_split!r}."
        )
    num_samples = data.num_samples
    split_at = int(math.floor(num_samples * (1.0 - validation_split)))
    if split_at in (0, num_samples):
        raise ValueError(
            f"Cannot split {num_samples} samples with validation_split="
            f"{validation_split}: one side would be empty."
        )
    return _slice(data, 0, split_at), _slice(data, split_at, num_samples)


def unpack_validation_data(validation_data) -> tuple:
    """Return `(x_val, y_val, sample_weight_val)` from `validation_data`.

    Accepts a tuple or list `(x_val, y_val)` or `(x_val, y_val, sw_val)`.
    """
    if isinstance(validation_data, (tuple, list)) and len(validation_data) in (
        2,
        3,
    ):
        x, y, *rest = validation_data
        return x, y, rest[0] if rest else None
    if isinstance(validation_data, (tuple, list)):
        received = f"a {type(validation_data).__name__} of length "
        received += str(len(validation_data))
    else:
        received = f"a {type(validation_data).__name__}"
    raise ValueError(
        "`validation_data` must be a tuple (x_val, y_val) or "
        f"(x_val, y_val, val_sample_weight); received {received}."
    )
