"""Policy lookup: `get`, `serialize` and `deserialize`."""

from typing import Any

from ember.core.dtypes import standardize_dtype
from ember.dtype_policies.dtype_policy import DTypePolicy
from ember.dtype_policies.dtype_policy import FloatDTypePolicy
from ember.dtype_policies.dtype_policy import dtype_policy

_CLASSES = {"DTypePolicy": DTypePolicy, "FloatDTypePolicy": FloatDTypePolicy}


def serialize(dtype_policy: DTypePolicy) -> dict:
    """Returns a policy's config dict, as Keras writes it in files.

    Args:
        dtype_policy: a `DTypePolicy`.

    Returns:
        `{"module": "keras", "class_name": "DTypePolicy", "config":
        {"name": ...}, "registered_name": None}`.
    """
    if not isinstance(dtype_policy, DTypePolicy):
        raise ValueError(
            "Expected a DTypePolicy to serialize. "
            f"Received: dtype_policy={dtype_policy!r}"
        )
    return {
        "module": "keras",
        "class_name": type(dtype_policy).__name__,
        "config": dtype_policy.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict, custom_objects: dict | None = None):
    """Creates a policy from its config dict (what `serialize` returns).

    Args:
        config: `{"class_name": "DTypePolicy", "config": {"name": ...}}`
            (other keys are ignored).
        custom_objects: accepted for Keras compatibility; ember has only
            its built-in policy classes.

    Returns:
        A `DTypePolicy`.
    """
    inner = config.get("config") if isinstance(config, dict) else None
    class_name = config.get("class_name") if isinstance(config, dict) else None
    if (
        class_name not in _CLASSES
        or not isinstance(inner, dict)
        or not isinstance(inner.get("name"), str)
    ):
        raise ValueError(
            "Invalid `dtype`: expected a dtype name, a DTypePolicy or "
            "its config {'class_name': 'DTypePolicy', 'config': "
            f"{{'name': ...}}}}. Received: dtype={config!r}"
        )
    return _CLASSES[class_name](inner["name"])


def get(identifier: Any) -> DTypePolicy:
    """Returns a `DTypePolicy` for a `dtype` argument.

    Args:
        identifier: None (the global policy), a policy name such as
            `"mixed_bfloat16"` or `"float32"`, a dtype, a `DTypePolicy`, or
            a policy's config dict.

    Returns:
        A `DTypePolicy`.

    Example:

    >>> ember.dtype_policies.get("mixed_bfloat16")
    <DTypePolicy "mixed_bfloat16">
    """
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    try:
        name = standardize_dtype(identifier)
    except (ValueError, TypeError, AttributeError):
        raise ValueError(
            f"Invalid dtype: {identifier!r}. Cannot interpret `dtype` "
            "argument: expected a string or an instance of DTypePolicy."
        ) from None
    return DTypePolicy(name)
