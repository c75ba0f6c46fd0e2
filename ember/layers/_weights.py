"""A layer's weights: creating them, reading them back, freezing, setting.

`WeightsMixin` is mixed into `Layer`, whose `__init__` sets what it uses:
`name`, `built`, `_variable_dtype`, `_trainable` and the two lists
`add_weight` appends to. Sublayers come from `Layer._layers`; the walk over
attributes is `_tracking`'s.
"""

from typing import Any

import numpy as np

from ember import constraints
from ember import initializers
from ember.core import naming
from ember.core.dtypes import is_float
from ember.core.dtypes import standardize_dtype
from ember.core.variable import Variable
from ember.layers import _tracking


class WeightsMixin:
    """The weight API of `Layer`: `add_weight`, `weights`, `set_weights`..."""

    def add_weight(
        self,
        shape: tuple | None = None,
        initializer: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        aggregation: str = "none",
        overwrite_with_gradient: bool = False,
        name: str | None = None,
    ) -> Variable:
        """Creates a variable owned by this layer.

        Args:
            shape: the variable's shape (default `()`).
            initializer: an initializer object, name or callable; default
                `"glorot_uniform"` for floats, `"zeros"` otherwise.
            dtype: default the layer's variable dtype.
            trainable: whether training updates it.
            regularizer: an optional penalty on the value, added to the loss.
            constraint: an optional projection applied after each update.
            name: the variable's name (its path is `layer_name/name`).

        Returns:
            The new `Variable`.
        """
        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = standardize_dtype(dtype or self._variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if is_float(dtype) else "zeros"
        initializer = initializers.get(initializer)
        with naming.name_scope(self.name):
            variable = Variable(
                initializer,
                shape=shape,
                dtype=dtype,
                trainable=trainable,
                autocast=autocast,
                aggregation=aggregation,
                name=name or naming.uniquify("variable"),
            )
        variable.regularizer = regularizer
        variable.constraint = constraints.get(constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        if trainable:
            # A frozen layer's new weights are frozen too, until it thaws.
            variable.trainable = self.trainable
            self._trainable_variables.append(variable)
        else:
            self._non_trainable_variables.append(variable)
        return variable

    def add_variable(
        self,
        shape,
        initializer,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        name=None,
    ) -> Variable:
        """Alias of `add_weight` with the initializer required."""
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=trainable,
            autocast=autocast,
            regularizer=regularizer,
            constraint=constraint,
            name=name,
        )

    @property
    def weights(self) -> list[Variable]:
        """All weights: this layer's own, then its sublayers' (no seeds)."""
        return _tracking.collect(self, _tracking.own_weights, "weights")

    @property
    def variables(self) -> list[Variable]:
        """All variables: weights plus seed generator states."""
        return _tracking.collect(self, _tracking.own_variables, "variables")

    @property
    def trainable_weights(self) -> list[Variable]:
        """The weights updated by training."""
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        """The weights training leaves alone."""
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def trainable_variables(self) -> list[Variable]:
        """The variables updated by training."""
        if not self.trainable:
            return []
        return [v for v in self.variables if v.trainable]

    @property
    def non_trainable_variables(self) -> list[Variable]:
        """Every variable that is not trainable, seed states included."""
        if not self.trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    @property
    def trainable(self) -> bool:
        """Whether training updates this layer (setting it recurses)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for variable in self._trainable_variables:
            variable.trainable = value
        for layer in self._layers:
            layer.trainable = value

    def get_weights(self) -> list[np.ndarray]:
        """Returns the weights' values as numpy arrays."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights: list) -> None:
        """Sets the weights from a list of arrays, in `weights` order."""
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(
                f'Layer "{self.name}" expects {len(variables)} weights, but '
                f"set_weights received {len(weights)}."
            )
        for variable, value in zip(variables, weights, strict=True):
            if tuple(np.shape(value)) != variable.shape:
                raise ValueError(
                    f'Layer "{self.name}": weight {variable.path!r} has shape '
                    f"{variable.shape}, received a value of shape "
                    f"{tuple(np.shape(value))}."
                )
        for variable, value in zip(variables, weights, strict=True):
            variable.assign(value)

    def save_own_variables(self, store: dict) -> None:
        """Writes the layer's own variables (not its sublayers') to `store`.

        Saving a model (`.keras`, `.weights.h5`) calls this on every layer
        with an empty dict-like `store`, and writes what it holds under
        the layer's path. The base class stores its variables under
        `"0"`, `"1"`, ... (trainable first). Override it to save more
        (any array under any key) or differently, as in Keras.

        Args:
            store: the dict-like to fill with `key -> array or Variable`.

        Example:

        >>> class WithTable(ember.layers.Layer):
        ...     def save_own_variables(self, store):
        ...         super().save_own_variables(store)
        ...         store["table"] = self.table
        """
        for i, variable in enumerate(_tracking.saved_variables(self)):
            store[str(i)] = variable

    def load_own_variables(self, store: dict) -> None:
        """Assigns the layer's own variables from `store`, as written by
        `save_own_variables` (keys `"0"`, `"1"`, ...).

        Every entry is checked (count, then shapes) before any variable
        changes. Override it, together with `save_own_variables`, to load
        what an override saved.

        Args:
            store: a dict-like mapping keys to arrays.
        """
        variables = _tracking.saved_variables(self)
        keys = list(store.keys())
        if len(keys) != len(variables):
            raise ValueError(
                f"Layer '{self.name}' expected {len(variables)} variables, "
                f"but received {len(keys)} variables during loading. "
                f"Expected: {[v.name for v in variables]}"
            )
        values = []
        for i, variable in enumerate(variables):
            if str(i) not in store:
                raise ValueError(
                    f"Layer '{self.name}': no entry '{i}' for variable "
                    f"'{variable.path}' among the loaded keys {sorted(keys)}."
                )
            value = np.asarray(store[str(i)])
            if value.shape != tuple(variable.shape):
                raise ValueError(
                    f"Layer '{self.name}': variable {i} '{variable.path}' has "
                    f"shape {tuple(variable.shape)}, but the loaded value has "
                    f"shape {value.shape}."
                )
            values.append(value)
        for variable, value in zip(variables, values, strict=True):
            variable.assign(value)

    def count_params(self) -> int:
        """Returns the number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f'Layer "{self.name}" is not built yet, so it has no weights '
                "to count. Call it on data or call `build(input_shape)` first."
            )
        return int(sum(v.size for v in self.weights))
