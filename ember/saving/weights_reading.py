"""Reading a `.weights.h5` file into plain arrays, refusing hostile files.

Soft and external links, external or virtual datasets, non-numeric data,
groups nested too deep and datasets that declare far more data than the
file holds raise a ValueError before anything is loaded. A dataset of the
last kind is left unread (an `Unread` holding its declared shape), so that
the loader reports it against the variable's shape before refusing it.
"""

from __future__ import annotations

import io
import math
import os
from typing import TYPE_CHECKING
from typing import Any

import jax.numpy as jnp
import numpy as np

if TYPE_CHECKING:
    import h5py

# A dataset may declare at most this many bytes per byte of file (DEFLATE
# cannot exceed ~1032:1), past a floor that any small file may reach.
_MAX_EXPANSION = 1100
_DECLARED_FLOOR_BYTES = 1 << 24
_MAX_DEPTH = 64


class Unread:
    """A dataset left unread because it declares more data than the file
    can hold: its declared shape, to be compared with the variable's.

    `np.shape` works on it; `check_readable` refuses it.
    """

    def __init__(self, shape: tuple, dtype: str, where: str, declared: int):
        self.shape = shape
        self.dtype = dtype
        self.where = where
        self.declared = declared

    def __repr__(self) -> str:
        return f"<unread dataset '{self.where}' of shape {self.shape}>"


def check_readable(value: Any, expected_shape: tuple | None = None) -> None:
    """Raises a ValueError when `value` is an `Unread` dataset.

    Args:
        value: a value from `read_weights`.
        expected_shape: the shape of the variable it would be loaded into,
            named in the message.
    """
    if not isinstance(value, Unread):
        return
    expected = (
        ""
        if expected_shape is None
        else f" (the variable's shape is {tuple(expected_shape)})"
    )
    raise ValueError(
        f"Refusing to read the weights file: dataset '{value.where}' "
        f"declares shape {value.shape}{expected}, {value.declared} bytes, "
        "far more than the file's size allows."
    )


def largest_dataset_bytes(file_bytes: int) -> int:
    """The most bytes a dataset may declare in a file of `file_bytes`."""
    return max(_DECLARED_FLOOR_BYTES, _MAX_EXPANSION * file_bytes)


def join_path(path: str, name: str) -> str:
    """`path/name`, or `name` at the root."""
    return f"{path}/{name}" if path else name


def _link_kind(group: h5py.Group, name: str) -> Any:
    return group.get(name, getlink=True)


def _checked_dataset(dataset: h5py.Dataset, where: str, limit: int):
    if dataset.external:
        raise ValueError(
            f"Refusing to read the weights file: dataset '{where}' is stored "
            "in an external file."
        )
    if dataset.is_virtual:
        raise ValueError(
            f"Refusing to read the weights file: dataset '{where}' is a "
            "virtual dataset."
        )
    if dataset.dtype.kind not in "biufcV" or dataset.dtype.names:
        raise ValueError(
            f"Invalid weights file: dataset '{where}' has dtype "
            f"{dataset.dtype}, not a numeric array."
        )
    declared = math.prod(dataset.shape or ()) * dataset.dtype.itemsize
    if declared > limit:
        # Not read: the loader compares its shape with the variable's
        # first, then refuses it (`check_readable`).
        return Unread(tuple(dataset.shape), str(dataset.dtype), where, declared)
    value = np.asarray(dataset[()])
    if dataset.attrs.get("dtype") == "bfloat16" and value.dtype.itemsize == 2:
        value = value.view(jnp.bfloat16)
    elif value.dtype.kind == "V":
        raise ValueError(
            f"Invalid weights file: dataset '{where}' holds opaque data."
        )
    return value


def _read_group(group, path, limit, depth, entries, names) -> None:
    import h5py

    if depth > _MAX_DEPTH:
        raise ValueError(
            f"Invalid weights file: groups nested deeper than {_MAX_DEPTH} "
            f"levels at '{path}'."
        )
    for name in group:
        where = join_path(path, name)
        link = _link_kind(group, name)
        if not isinstance(link, h5py.HardLink):
            raise ValueError(
                f"Refusing to read the weights file: '{where}' is a "
                f"{type(link).__name__}; only plain groups and datasets are "
                "allowed."
            )
        child = group[name]
        if name == "vars" and isinstance(child, h5py.Group):
            values = {}
            for key in child:
                key_where = join_path(where, key)
                if not isinstance(_link_kind(child, key), h5py.HardLink):
                    raise ValueError(
                        "Refusing to read the weights file: "
                        f"'{key_where}' is a link."
                    )
                dataset = child[key]
                if not isinstance(dataset, h5py.Dataset):
                    raise ValueError(
                        f"Invalid weights file: '{key_where}' is not a dataset."
                    )
                values[key] = _checked_dataset(dataset, key_where, limit)
            entries[path] = values
            stored_name = child.attrs.get("name")
            if isinstance(stored_name, bytes):
                stored_name = stored_name.decode("utf-8", "replace")
            names[path] = stored_name
        elif isinstance(child, h5py.Group):
            _read_group(child, where, limit, depth + 1, entries, names)


def read_weights(source: Any) -> tuple[dict, dict]:
    """Reads every `vars` group of a weights file, checked.

    Args:
        source: a path, or a file object or bytes of the HDF5 file.

    Returns:
        `(entries, names)`: `{path: {"0": array, ...}}` and the stored
        object name of each path.
    """
    import h5py

    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    if isinstance(source, io.BytesIO):
        size = len(source.getbuffer())
    else:
        source = os.fspath(source)
        size = os.path.getsize(source)
    limit = largest_dataset_bytes(size)
    entries: dict = {}
    names: dict = {}
    try:
        h5file = h5py.File(source, "r")
    except OSError as error:
        raise ValueError(
            f"Invalid weights file {source!r}: not an HDF5 file ({error})."
        ) from error
    with h5file:
        try:
            _read_group(h5file, "", limit, 0, entries, names)
        except (KeyError, OSError, RuntimeError, TypeError) as error:
            raise ValueError(
                f"Invalid weights file: it cannot be read ({error})."
            ) from error
    return entries, names
