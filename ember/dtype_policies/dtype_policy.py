"""DTypePolicy: a layer's variable and compute dtypes, and the global one."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember import ops
from ember.core import config
from ember.core.dtypes import standardize_dtype

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
# None: the global policy follows `config.floatx()`.
_GLOBAL_POLICY = None


def _parse_name(name: Any) -> tuple[str, str]:
    """`(compute_dtype, variable_dtype)` of a policy name."""
    if not isinstance(name, str):
        raise TypeError(
            "'name' must be a string, such as 'mixed_float16'. "
            f"Received: name={name!r} (of type {type(name).__name__})"
        )
    if name in _MIXED:
        return _MIXED[name], "float32"
    try:
        dtype = standardize_dtype(name)
    except ValueError:
        raise ValueError(
            f"Cannot convert '{name}' to a mixed precision DTypePolicy. "
            "Valid policies include 'mixed_float16', 'mixed_bfloat16', and "
            "the name of any float dtype such as 'float32'."
        ) from None
    return dtype, dtype


class DTypePolicy:
    """A dtype policy for a layer: the dtypes of its variables and compute.

    Every layer has a policy. Pass one (or its name) as a layer's `dtype`
    argument, or set the global policy with
    `ember.config.set_dtype_policy` (alias
    `ember.mixed_precision.set_global_policy`); layers created with
    `dtype=None` take the global policy.

    A dtype name (`"float32"`, `"bfloat16"`) makes both dtypes that dtype.
    `"mixed_float16"` and `"mixed_bfloat16"` keep the variables in float32
    and compute in float16 / bfloat16: inputs are cast to the compute dtype
    and, inside the layer's call, float variables read in it (autocast).

    Args:
        name: the policy name; None takes the global policy's name.

    Example:

    >>> policy = ember.DTypePolicy("mixed_bfloat16")
    >>> policy.compute_dtype, policy.variable_dtype
    ('bfloat16', 'float32')
    >>> ember.layers.Dense(2, dtype=policy).dtype_policy
    <DTypePolicy "mixed_bfloat16">
    """

    def __init__(self, name: str | None = None):
        if name is None:
            name = dtype_policy().name
        self._compute_dtype, self._variable_dtype = _parse_name(name)
        self._name = name
        self._quantization_mode = None

    @property
    def name(self) -> str:
        """The policy's name, e.g. `"mixed_bfloat16"`."""
        return self._name

    @property
    def variable_dtype(self) -> str:
        """The dtype layers create their variables in."""
        return self._variable_dtype

    @property
    def compute_dtype(self) -> str:
        """The dtype layers compute in (and usually output)."""
        return self._compute_dtype

    @property
    def quantization_mode(self) -> str | None:
        """The quantization mode; None (ember has no quantized policies)."""
        return self._quantization_mode

    def convert_input(self, x: Any, autocast: bool, dtype: Any) -> Any:
        """`x` as an array, float inputs cast to `dtype` when `autocast`.

        Integer and boolean inputs are left alone; objects that are not
        arrays are returned unchanged.

        Args:
            x: an array, a numpy array or a symbolic tensor.
            autocast: whether float inputs are cast.
            dtype: the dtype to cast float inputs to.

        Returns:
            The converted input.
        """
        dtype = standardize_dtype(dtype)
        if getattr(x, "_ember_symbolic", False):
            if autocast and _is_float(x.dtype) and x.dtype != dtype:
                return ops.cast(x, dtype)
            return x
        if not isinstance(x, jax.Array) and hasattr(x, "__array__"):
            array = np.asarray(x)
            if array.dtype.kind in "OSU":
                return x
            x = jnp.asarray(array)
        if isinstance(x, jax.Array):
            if autocast and _is_float(x.dtype) and x.dtype != dtype:
                x = x.astype(dtype)
        return x

    def get_config(self) -> dict:
        """Returns `{"name": ...}`."""
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict) -> "DTypePolicy":
        """Creates a policy from the dict `get_config` returned."""
        return cls(**config)

    def __repr__(self) -> str:
        # FloatDTypePolicy is an alias: it prints as DTypePolicy, as Keras.
        return f'<DTypePolicy "{self._name}">'

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, DTypePolicy):
            return False
        return self._name == other._name

    def __hash__(self) -> int:
        return hash(self._name)


class FloatDTypePolicy(DTypePolicy):
    """An alias of `DTypePolicy`, kept as Keras keeps it."""


def _is_float(dtype: Any) -> bool:
    return jnp.issubdtype(dtype, jnp.floating)


def set_dtype_policy(policy: str | DTypePolicy) -> None:
    """Sets the global dtype policy, used by layers created with no `dtype`.

    Args:
        policy: a policy name (`"mixed_bfloat16"`) or a `DTypePolicy`.

    Example:

    >>> ember.config.set_dtype_policy("mixed_bfloat16")
    >>> ember.layers.Dense(2).compute_dtype
    'bfloat16'
    >>> ember.config.set_dtype_policy("float32")
    """
    global _GLOBAL_POLICY
    if isinstance(policy, str):
        policy = DTypePolicy(policy)
    elif not isinstance(policy, DTypePolicy):
        raise ValueError(
            "Invalid `policy` argument. Expected the string name of a policy "
            "(such as 'mixed_float16') or a `DTypePolicy` instance. "
            f"Received: policy={policy!r} (of type {type(policy).__name__})"
        )
    _GLOBAL_POLICY = policy


def dtype_policy() -> DTypePolicy:
    """Returns the global dtype policy (by default, `config.floatx()`'s).

    Example:

    >>> ember.config.dtype_policy()
    <DTypePolicy "float32">
    """
    if _GLOBAL_POLICY is None:
        return DTypePolicy(config.floatx())
    return _GLOBAL_POLICY


def reset_dtype_policy() -> None:
    """Forgets the global policy (what `clear_session` does, as in Keras)."""
    global _GLOBAL_POLICY
    _GLOBAL_POLICY = None
