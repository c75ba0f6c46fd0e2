"""Dtype names: everything is a string such as `"float32"`, as in Keras."""

import jax.numpy as jnp
import numpy as np

from ember.core import config


def standardize_dtype(dtype) -> str:
    """Returns the canonical name of `dtype` (default: `config.floatx()`).

    Accepts strings, numpy and jax dtypes and Python types. Text (`"string"`,
    `str`, numpy unicode, bytes and object arrays) is `"string"`, as in
    Keras; only host-side layers (`HostLayer`) take it.
    """
    if dtype is None:
        return config.floatx()
    if dtype is float:
        return config.floatx()
    if dtype is int:
        return "int32"
    if dtype is bool:
        return "bool"
    if dtype in ("string", str, bytes, object):
        return "string"
    if isinstance(dtype, str) and dtype in ("bfloat16",):
        return dtype
    if hasattr(dtype, "name") and not isinstance(dtype, str):
        name = dtype.name
        if isinstance(name, str):
            return "string" if dtype.kind in "OSU" else name
    try:
        return jnp.dtype(dtype).name
    except TypeError as error:
        raise ValueError(f"Invalid dtype: {dtype!r}") from error


def is_float(dtype) -> bool:
    """Whether `dtype` is a floating point type."""
    return "float" in standardize_dtype(dtype)


def is_int(dtype) -> bool:
    """Whether `dtype` is a (signed or unsigned) integer type."""
    name = standardize_dtype(dtype)
    return name.startswith("int") or name.startswith("uint")


def dtype_of(x) -> str:
    """Returns the dtype name of an array-like value."""
    if hasattr(x, "dtype"):
        return standardize_dtype(x.dtype)
    return standardize_dtype(np.asarray(x).dtype)
