"""Activations by name: `get`, `serialize` and `deserialize`."""

from collections.abc import Callable

from ember.activations import _functions
from ember.core.family import Family
from ember.core.family import register

_FAMILY = register(
    Family(
        "activation",
        "keras.activations",
        functions=(
            _functions.relu,
            _functions.leaky_relu,
            _functions.relu6,
            _functions.softmax,
            _functions.log_softmax,
            _functions.elu,
            _functions.selu,
            _functions.softplus,
            _functions.softsign,
            _functions.silu,
            _functions.gelu,
            _functions.tanh,
            _functions.sigmoid,
            _functions.exponential,
            _functions.hard_sigmoid,
            _functions.hard_silu,
            _functions.linear,
            _functions.mish,
            _functions.celu,
            _functions.glu,
            _functions.hard_tanh,
            _functions.hard_shrink,
            _functions.soft_shrink,
            _functions.tanh_shrink,
            _functions.threshold,
            _functions.squareplus,
            _functions.sparse_plus,
            _functions.sparse_sigmoid,
            _functions.log_sigmoid,
            _functions.sparsemax,
        ),
        aliases={"swish": _functions.silu, "hard_swish": _functions.hard_silu},
        default=_functions.linear,
        instantiate="never",
        names_for_functions=True,
    )
)


def serialize(activation: Callable) -> str | dict:
    """Returns the serialized form of an activation function.

    Built-in activations serialize to their name (`"relu"`; aliases to the
    canonical name, so `swish` gives `"silu"`). Other functions and callable
    objects serialize to a Keras config dict.

    Args:
        activation: the function or callable object.

    Returns:
        A name string or a config dict, as `keras.activations.serialize`.
    """
    return _FAMILY.serialize(activation)


def deserialize(
    config: str | dict, custom_objects: dict | None = None
) -> Callable:
    """Returns the activation function described by `config`.

    Args:
        config: a name (`"relu"`) or a config dict as `serialize` returns.
        custom_objects: optional mapping of names to user functions or
            classes, searched before the built-ins.

    Returns:
        The activation function (or callable object).
    """
    return _FAMILY.deserialize(config, custom_objects)


def get(identifier: str | dict | Callable | None) -> Callable:
    """Returns an activation function from a name, config or callable.

    Args:
        identifier: None (the linear activation), a name such as `"relu"`,
            a config dict as `serialize` returns, or a callable (returned
            as is).

    Returns:
        A callable activation.

    Example:

    >>> get("relu").__name__
    'relu'
    """
    return _FAMILY.get(identifier)
