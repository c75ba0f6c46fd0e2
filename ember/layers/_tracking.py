"""How a layer finds its sublayers and variables: in its attributes.

Any attribute (also inside lists, tuples and dicts) holding a `Layer`, a
`Variable` or a `SeedGenerator` is tracked, in assignment order, except the
bookkeeping attributes in `UNTRACKED`.
"""

from collections.abc import Callable

from ember.core.seed import SeedGenerator
from ember.core.variable import Variable

# Attributes holding bookkeeping, never sublayers or variables to report.
UNTRACKED = frozenset(
    {
        "_inbound_nodes",
        "_outbound_nodes",
        "_trainable_variables",
        "_non_trainable_variables",
        "_auto_config",
        "_losses",
        "_build_shapes_dict",
        "input_spec",
    }
)


def tracked(layer, kind: type) -> list:
    """Objects of `kind` held in `layer`'s attributes, each once."""
    found: list = []
    seen: set[int] = set()

    def visit(value):
        if isinstance(value, kind):
            if id(value) not in seen:
                seen.add(id(value))
                found.append(value)
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)

    for key, value in vars(layer).items():
        if key not in UNTRACKED:
            visit(value)
    return found


def own_weights(layer) -> list[Variable]:
    """Variables made by `add_weight`, then any other held `Variable`."""
    own = layer._trainable_variables + layer._non_trainable_variables
    ids = {id(v) for v in own}
    extra = [v for v in tracked(layer, Variable) if id(v) not in ids]
    return own + extra


def saved_variables(layer) -> list[Variable]:
    """`own_weights` in the order a weights file stores them: trainable
    first, then non-trainable (Keras keeps the two in separate lists)."""
    owned = own_weights(layer)
    non_trainable = {id(v) for v in layer._non_trainable_variables}
    trainable = {id(v) for v in layer._trainable_variables}
    first = [
        v
        for v in owned
        if id(v) in trainable or (id(v) not in non_trainable and v.trainable)
    ]
    first_ids = {id(v) for v in first}
    return first + [v for v in owned if id(v) not in first_ids]


def own_variables(layer) -> list[Variable]:
    """`own_weights`, then the states of held seed generators."""
    seeds = [g.state for g in tracked(layer, SeedGenerator)]
    return own_weights(layer) + seeds


def collect(layer, own: Callable, child_attribute: str) -> list[Variable]:
    """`own(layer)`, then each sublayer's `child_attribute`, each once."""
    result, seen = [], set()
    candidates = list(own(layer))
    for sublayer in layer._layers:
        candidates.extend(getattr(sublayer, child_attribute))
    for v in candidates:
        if id(v) not in seen:
            seen.add(id(v))
            result.append(v)
    return result


def flatten_layers(layer) -> list:
    """All nested sublayers of `layer`, depth first, each once."""
    found, seen = [], {id(layer)}
    stack = list(reversed(layer._layers))
    while stack:
        sublayer = stack.pop()
        if id(sublayer) in seen:
            continue
        seen.add(id(sublayer))
        found.append(sublayer)
        stack.extend(reversed(sublayer._layers))
    return found
