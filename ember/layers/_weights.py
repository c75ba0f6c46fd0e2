"""Weight arguments shared by layers: each weight kind (`kernel`, `bias`,
`embeddings`...) has its `<kind>_initializer`, `<kind>_regularizer` and
`<kind>_constraint`."""

from typing import Any

from ember import constraints
from ember import initializers
from ember import regularizers
from ember.layers._config import resolve

_PARTS = (
    ("initializer", initializers),
    ("regularizer", regularizers),
    ("constraint", constraints),
)


def store_weight_args(layer: Any, **kinds: tuple) -> None:
    """Resolves and stores, for each weight kind given as
    `kind=(initializer, regularizer, constraint)`, the attributes
    `<kind>_initializer`, `<kind>_regularizer` and `<kind>_constraint`.

    All initializers are resolved first, then regularizers, then
    constraints, so the first invalid argument is the one reported.
    """
    for i, (suffix, module) in enumerate(_PARTS):
        for kind, args in kinds.items():
            name = f"{kind}_{suffix}"
            setattr(layer, name, resolve(module.get, args[i], layer, name))


def weight_args_config(
    layer: Any, kinds: tuple, activity_regularizer: bool = False
) -> dict:
    """The entries written by `store_weight_args`, serialized: initializers,
    regularizers (then `activity_regularizer` if asked), constraints."""
    config = {}
    for suffix, module in _PARTS:
        for kind in kinds:
            name = f"{kind}_{suffix}"
            config[name] = module.serialize(getattr(layer, name))
        if suffix == "regularizer" and activity_regularizer:
            config["activity_regularizer"] = regularizers.serialize(
                layer.activity_regularizer
            )
    return config


def add_weight(layer: Any, name: str, kind: str, shape: tuple) -> Any:
    """Adds the weight `name` with the layer's `<kind>_initializer`,
    `<kind>_regularizer` and `<kind>_constraint`."""
    return layer.add_weight(
        name=name,
        shape=shape,
        initializer=getattr(layer, f"{kind}_initializer"),
        regularizer=getattr(layer, f"{kind}_regularizer"),
        constraint=getattr(layer, f"{kind}_constraint"),
    )


def add_bias_weight(layer: Any, units: int) -> Any:
    """The `(units,)` bias weight, or None without `use_bias`."""
    if not layer.use_bias:
        return None
    return add_weight(layer, "bias", "bias", (units,))
