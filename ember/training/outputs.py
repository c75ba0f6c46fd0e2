"""How targets, sample weights and compile arguments line up with outputs.

A model's predictions are one array, a list of arrays or a dict of arrays.
`Outputs` records the flat order of those outputs (list order; sorted keys
for a dict, as Keras does), their names (the output layers' names for a
list, the keys for a dict) and flattens any matching structure (targets `y`,
sample weights, per-output losses and metrics) into that order.
"""

from typing import Any
from typing import NamedTuple

import jax


class Outputs(NamedTuple):
    """The flat view of a model's outputs.

    Attributes:
        keys: how each output is found in `y_pred`: None for a single
            output, an int for a list or tuple, a str for a dict.
        names: each output's name, used in log names such as
            `"<name>_loss"` and `"<name>_accuracy"`.
    """

    keys: tuple
    names: tuple

    @property
    def single(self) -> bool:
        return self.keys == (None,)

    def __len__(self) -> int:
        return len(self.keys)

    def describe(self) -> str:
        """The outputs' names, as shown in error messages."""
        return f"{len(self)} outputs named {list(self.names)}"

    def flatten(self, structure: Any, what: str = "y") -> list:
        """The entries of `structure` in output order.

        `structure` may be a list or tuple (one entry per output, in
        order) or a dict keyed by output name; a single output also takes
        a bare array.

        Raises:
            ValueError: when `structure` does not hold one entry per output.
        """
        if self.single:
            if isinstance(structure, (list, tuple)) and len(structure) == 1:
                return [structure[0]]
            if isinstance(structure, dict) and len(structure) == 1:
                return list(structure.values())
            return [structure]
        if isinstance(structure, dict):
            missing = [n for n in self.names if n not in structure]
            if missing:
                raise ValueError(
                    f"`{what}` is a dict without entries for the outputs "
                    f"{missing}; the model has {self.describe()}. Received "
                    f"keys: {list(structure)}"
                )
            return [structure[n] for n in self.names]
        if isinstance(structure, (list, tuple)):
            if len(structure) != len(self):
                raise ValueError(
                    f"`{what}` must have one entry per output: the model has "
                    f"{self.describe()}, but `{what}` has {len(structure)} "
                    "entries."
                )
            return list(structure)
        raise ValueError(
            f"The model has {self.describe()}: give `{what}` as a list (one "
            "entry per output) or a dict keyed by output name. Received a "
            f"single {type(structure).__name__}."
        )

    def per_output(self, argument: Any, what: str) -> list:
        """Spreads a compile argument (`loss`, `metrics`, ...) per output.

        A list or tuple gives one entry per output; a dict gives entries by
        output name (missing names get None); anything else applies to
        every output.
        """
        if self.single:
            return [argument]
        if isinstance(argument, dict):
            unknown = [k for k in argument if k not in self.names]
            if unknown:
                raise ValueError(
                    f"`{what}` names {unknown}, which are not outputs of the "
                    f"model: it has {self.describe()}."
                )
            return [argument.get(n) for n in self.names]
        if isinstance(argument, (list, tuple)):
            if len(argument) != len(self):
                raise ValueError(
                    f"`{what}` must have one entry per output: the model has "
                    f"{self.describe()}, but `{what}` has {len(argument)} "
                    f"entries. Received: {what}={argument!r}"
                )
            return list(argument)
        return [argument] * len(self)


def identifiers(argument: Any) -> list:
    """Every non-None entry of a (nested) list or dict compile argument."""
    if isinstance(argument, dict):
        return [x for v in argument.values() for x in identifiers(v)]
    if isinstance(argument, (list, tuple)):
        return [x for v in argument for x in identifiers(v)]
    return [] if argument is None else [argument]


def outputs_of(model, y_pred: Any) -> Outputs:
    """The `Outputs` of `model`, from (the shapes of) one prediction."""
    if not isinstance(y_pred, (list, tuple, dict)):
        return Outputs((None,), (None,))
    if isinstance(y_pred, dict):
        keys = tuple(sorted(y_pred))
        return Outputs(keys, keys)
    leaves = jax.tree_util.tree_leaves(y_pred)
    if len(leaves) != len(y_pred):
        raise ValueError(
            f'Model "{model.name}" returns nested outputs; training supports '
            "one array, a flat list or a flat dict of arrays."
        )
    if len(y_pred) == 1:
        return Outputs((None,), (None,))
    names = getattr(model, "output_names", None)
    if not names or len(names) != len(y_pred) or len(set(names)) < len(names):
        names = [f"output_{i + 1}" for i in range(len(y_pred))]
    return Outputs(tuple(range(len(y_pred))), tuple(names))


def predictions(outputs: Outputs, y_pred: Any) -> list:
    """The model's predictions in output order."""
    if outputs.single:
        return jax.tree_util.tree_leaves(y_pred)[:1]
    return [y_pred[k] for k in outputs.keys]
