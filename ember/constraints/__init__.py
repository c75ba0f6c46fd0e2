"""ember.constraints: weight projections, with get / serialize / deserialize."""

from typing import Any

from ember.constraints.constraints import Constraint
from ember.constraints.constraints import MaxNorm
from ember.constraints.constraints import MinMaxNorm
from ember.constraints.constraints import NonNeg
from ember.constraints.constraints import UnitNorm
from ember.core.family import Family
from ember.core.family import register

max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

_FAMILY = register(
    Family(
        "constraint",
        "keras.constraints",
        (MaxNorm, MinMaxNorm, NonNeg, UnitNorm),
        aliases={
            "constraint": Constraint,
            "max_norm": MaxNorm,
            "min_max_norm": MinMaxNorm,
            "non_neg": NonNeg,
            "unit_norm": UnitNorm,
        },
        hidden=(Constraint,),
    )
)


def serialize(constraint: Any) -> dict | None:
    """Returns the Keras config dict of a constraint (None stays None).

    A built-in is written under `keras.constraints`; a user class under
    its registered name (`"my_package>Clip"`), else its class name; a
    plain function by name, as Keras writes them.

    Args:
        constraint: a `Constraint`, a function, or None.

    Returns:
        `{"module", "class_name", "config", "registered_name"}`, or None.

    Example:

    >>> serialize(MaxNorm(3))["config"]
    {'max_value': 3, 'axis': 0}
    """
    return _FAMILY.serialize(constraint)


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    """Builds a constraint from a name or a Keras config dict.

    Args:
        config: a name such as `"non_neg"`, or `serialize()`'s dict.
        custom_objects: extra classes or functions by name.

    Returns:
        The constraint.

    Example:

    >>> type(deserialize({"class_name": "NonNeg", "config": {}})).__name__
    'NonNeg'
    """
    return _FAMILY.deserialize(config, custom_objects)


def get(identifier: Any, custom_objects: dict | None = None) -> Any:
    """Resolves a constraint from None, a name, a config dict or a callable.

    Args:
        identifier: None, a name (`"max_norm"`, `"MaxNorm"`), a Keras
            config dict, a `Constraint` class or instance, or any callable
            `w -> w`.
        custom_objects: extra classes by name.

    Returns:
        The constraint (a callable), or None.

    Example:

    >>> get("unit_norm").get_config()
    {'axis': 0}
    """
    return _FAMILY.get(identifier, custom_objects)
