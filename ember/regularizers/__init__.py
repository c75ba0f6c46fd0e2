"""ember.regularizers: weight penalties, with get / serialize / deserialize."""

from typing import Any

from ember.core.family import Family
from ember.core.family import register
from ember.regularizers.regularizers import L1
from ember.regularizers.regularizers import L1L2
from ember.regularizers.regularizers import L2
from ember.regularizers.regularizers import OrthogonalRegularizer
from ember.regularizers.regularizers import Regularizer

l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

_FAMILY = register(
    Family(
        "regularizer",
        "keras.regularizers",
        (L1, L2, L1L2, OrthogonalRegularizer),
        aliases={
            "l1": L1,
            "l2": L2,
            "l1_l2": L1L2,
            "l1l2": L1L2,
            "orthogonal_regularizer": OrthogonalRegularizer,
        },
        hidden=(Regularizer,),
    )
)


def serialize(regularizer: Any) -> dict | None:
    """Returns the Keras config dict of a regularizer (None stays None).

    A built-in is written under `keras.regularizers`; a user class under
    its registered name (`"my_package>Halving"`), else its class name, and
    a plain function by name, as Keras writes them.

    Example:

    >>> serialize(L2(0.1))["class_name"]
    'L2'
    """
    return _FAMILY.serialize(regularizer)


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    """Builds a regularizer from a name or a Keras config dict.

    Registered user classes are found by their registered name.

    Example:

    >>> deserialize({"class_name": "L1", "config": {"l1": 0.5}}).l1
    0.5
    """
    return _FAMILY.deserialize(config, custom_objects)


def get(identifier: Any, custom_objects: dict | None = None) -> Any:
    """Resolves a regularizer from None, a name, a config dict, a class
    or a callable.

    Example:

    >>> get("l2").get_config()
    {'l2': 0.01}
    """
    return _FAMILY.get(identifier, custom_objects)
