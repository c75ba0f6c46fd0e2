"""Metric: the base class of stateful metrics, with pure (stateless) twins."""

from collections.abc import Sequence
from typing import Any

import numpy as np

from ember import dtype_policies
from ember import initializers
from ember.core import naming
from ember.core.dtypes import standardize_dtype
from ember.core.state_scope import StateScope
from ember.core.variable import Variable


def _resolve_dtype(dtype: Any) -> str:
    # A dtype policy (or its name) carries its computation dtype.
    if dtype is None:
        return standardize_dtype(dtype)
    return dtype_policies.get(dtype).compute_dtype


class Metric:
    """Holds running statistics in variables and reports a value from them.

    Subclasses create their state in `__init__` with `add_variable`, update
    it in `update_state` with `assign` / `assign_add`, and compute the
    reported value in `result`. The same code also runs purely, under
    `jax.jit`, through `stateless_update_state` and `stateless_result`, which
    take and return the values of `metric.variables` as a list.

    Args:
        name: the metric's name; defaults to the snake-cased class name, made
            unique.
        dtype: the dtype of the metric's computations; defaults to
            `config.floatx()`.

    Example:

    >>> class Total(Metric):
    ...     def __init__(self, name="total", dtype=None):
    ...         super().__init__(name=name, dtype=dtype)
    ...         self.sum = self.add_variable((), "zeros", name="sum")
    ...     def update_state(self, values):
    ...         self.sum.assign(self.sum + jnp.sum(jnp.asarray(values)))
    ...     def result(self):
    ...         return self.sum.value
    >>> m = Total()
    >>> m.update_state([1.0, 2.0])
    >>> float(m.result())
    3.0
    """

    _ember_metric = True

    def __init__(self, name: str | None = None, dtype: Any = None):
        self.name = name or naming.uniquify(
            naming.to_snake_case(type(self).__name__)
        )
        self._dtype = _resolve_dtype(dtype)
        self._variables: list[Variable] = []
        self._initial_values: list[Any] = []

    # -- state ------------------------------------------------------------
    @property
    def dtype(self) -> str:
        """The dtype of the metric's computations, e.g. `"float32"`."""
        return self._dtype

    @property
    def variables(self) -> list[Variable]:
        """The metric's variables, in creation order."""
        self._check_super_called()
        return list(self._variables)

    def add_variable(
        self,
        shape: Sequence[int],
        initializer: Any,
        dtype: Any = None,
        aggregation: str = "sum",
        name: str | None = None,
    ) -> Variable:
        """Creates a non-trainable state variable owned by this metric.

        Args:
            shape: the variable's shape.
            initializer: an initializer, its name, or a callable taking
                `(shape, dtype)`.
            dtype: the variable's dtype; defaults to `config.floatx()`.
            aggregation: how replicas combine the variable (`"sum"`, `"mean"`,
                `"only_first_replica"` or `"none"`).
            name: the variable's name; its path is `"<metric name>/<name>"`.

        Returns:
            The new `Variable`.
        """
        self._check_super_called()
        if isinstance(initializer, str | dict | type):
            initializer = initializers.get(initializer)
        with naming.name_scope(self.name.replace("/", ">")):
            variable = Variable(
                initializer=initializer,
                shape=tuple(shape),
                dtype=_resolve_dtype(dtype),
                trainable=False,
                aggregation=aggregation,
                synchronization="on_read",
                name=name,
            )
        self._variables.append(variable)
        # A host copy: the device value may be donated to a compiled step.
        self._initial_values.append(np.array(variable.value))
        return variable

    def add_weight(
        self,
        shape: Sequence[int] = (),
        initializer: Any = None,
        dtype: Any = None,
        name: str | None = None,
    ) -> Variable:
        """Alias of `add_variable` (initializer defaults to zeros)."""
        return self.add_variable(
            shape=shape,
            initializer="zeros" if initializer is None else initializer,
            dtype=dtype,
            name=name,
        )

    # -- the stateful API ---------------------------------------------------
    def update_state(self, *args, **kwargs) -> None:
        """Accumulates statistics from one batch into the variables."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `update_state()`."
        )

    def result(self) -> Any:
        """Computes the metric's value (a scalar, or a dict of scalars)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `result()`."
        )

    def reset_state(self) -> None:
        """Sets every variable back to its initial value."""
        for variable, initial in zip(
            self.variables, self._initial_values, strict=True
        ):
            variable.assign(initial)

    def __call__(self, *args, **kwargs) -> Any:
        """Updates the state with one batch and returns the new result."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # -- the pure twins -----------------------------------------------------
    def _check_values(self, metric_variables: Sequence[Any]) -> None:
        if len(metric_variables) != len(self.variables):
            raise ValueError(
                "Argument `metric_variables` must be a list with one value "
                f"per variable of {type(self).__name__}().variables: "
                f"expected {len(self.variables)}, received "
                f"{len(metric_variables)}."
            )

    def _read_back(self, scope: StateScope, fallback: Sequence[Any]) -> list:
        return [
            scope.get(variable, old)
            for variable, old in zip(self.variables, fallback, strict=True)
        ]

    def stateless_update_state(
        self, metric_variables: Sequence[Any], *args, **kwargs
    ) -> list:
        """Pure `update_state`: returns the new values of `variables`.

        Args:
            metric_variables: the current values, one per variable, in the
                order of `metric.variables`.
            *args: passed to `update_state`.
            **kwargs: passed to `update_state`.

        Returns:
            The list of updated values, in the same order. The metric's own
            variables are left unchanged.
        """
        self._check_values(metric_variables)
        metric_variables = list(metric_variables)
        with StateScope(
            zip(self.variables, metric_variables, strict=True)
        ) as scope:
            self.update_state(*args, **kwargs)
        return self._read_back(scope, metric_variables)

    def stateless_result(self, metric_variables: Sequence[Any]) -> Any:
        """Pure `result`: the metric's value computed from the given values."""
        self._check_values(metric_variables)
        with StateScope(zip(self.variables, metric_variables, strict=True)):
            return self.result()

    def stateless_reset_state(self) -> list:
        """Pure `reset_state`: returns the reset values of `variables`."""
        current = [variable.value for variable in self.variables]
        with StateScope(zip(self.variables, current, strict=True)) as scope:
            self.reset_state()
        return self._read_back(scope, current)

    # -- serialization ------------------------------------------------------
    def get_config(self) -> dict:
        """Returns the constructor arguments as a JSON-friendly dict."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        """Builds a metric from the output of `get_config`."""
        return cls(**config)

    def _check_super_called(self) -> None:
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}.__init__() must call "
                "`super().__init__()` before creating variables."
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
