"""`OptaxOptimizer`: any optax transformation behind the optimizer API."""

import jax
import jax.numpy as jnp
import optax

from ember.core import naming
from ember.core.variable import Variable


class OptaxOptimizer:
    """Wraps an `optax.GradientTransformation` as an ember optimizer.

    The variables are `iteration` followed by the leaves of the optax state
    (named `state_0`, `state_1`, ...), so the wrapper works with the same
    `stateless_apply` contract as the built-in optimizers. Clipping, weight
    decay and schedules are whatever the transformation itself does; to
    change hyperparameters during training, wrap it in
    `optax.inject_hyperparams`, and `learning_rate` reads and sets the
    injected `learning_rate`.

    Args:
        transformation: the optax transformation (its updates are added to
            the parameters, as optax's own `apply_updates` does).
        name: the name, used as the scope of the variables.

    Example:

    >>> opt = OptaxOptimizer(optax.adam(1e-3))
    """

    def __init__(self, transformation, name: str | None = None):
        if not isinstance(transformation, optax.GradientTransformation):
            raise TypeError(
                "OptaxOptimizer expects an optax.GradientTransformation. "
                f"Received: {transformation!r}"
            )
        self.transformation = transformation
        self.name = name or naming.uniquify("optax_optimizer")
        self.built = False
        self._trainable_variables: list = []
        self._treedef = None
        with naming.name_scope(self.name):
            self._iterations = Variable(
                0, dtype="int32", trainable=False, name="iteration"
            )
        self._variables = [self._iterations]

    @property
    def iterations(self) -> Variable:
        """The number of steps taken."""
        return self._iterations

    @property
    def variables(self) -> list:
        """`iteration`, then the leaves of the optax state."""
        return self._variables[:]

    def build(self, var_list) -> None:
        """Creates the state variables from `transformation.init`."""
        if self.built:
            return
        self._trainable_variables = list(var_list)
        state = self.transformation.init(
            [v.value for v in self._trainable_variables]
        )
        leaves, self._treedef = jax.tree_util.tree_flatten(state)
        with naming.name_scope(self.name):
            for i, leaf in enumerate(leaves):
                self._variables.append(
                    Variable(leaf, trainable=False, name=f"state_{i}")
                )
        self.built = True

    def _hyperparams(self, state):
        return getattr(state, "hyperparams", None)

    @property
    def learning_rate(self):
        """The injected learning rate (needs `optax.inject_hyperparams`)."""
        params = None
        if self.built:
            values = [v.value for v in self._variables[1:]]
            params = self._hyperparams(self._treedef.unflatten(values))
        if params is None or "learning_rate" not in params:
            raise AttributeError(
                "This optax transformation has no `learning_rate` "
                "hyperparameter; build it with `optax.inject_hyperparams`."
            )
        return params["learning_rate"]

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        current = self.learning_rate
        state = self._treedef.unflatten(self._variables[1:])
        variable = self._hyperparams(state)["learning_rate"]
        variable.assign(jnp.asarray(value, dtype=current.dtype))

    def apply_gradients(self, grads_and_vars):
        """Applies `(gradient, variable)` pairs; returns `iterations`."""
        grads, trainable_variables = zip(*grads_and_vars, strict=True)
        self.apply(grads, trainable_variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None) -> None:
        """Updates the variables with `grads` (building on first use)."""
        if trainable_variables is not None and not self.built:
            self.build(trainable_variables)
        if not self.built:
            raise ValueError(
                "Call `optimizer.build(trainable_variables)` or pass "
                "`trainable_variables` first."
            )
        if trainable_variables is not None:
            order = {id(v): i for i, v in enumerate(trainable_variables)}
            grads = [grads[order[id(v)]] for v in self._trainable_variables]
        new_train, new_opt = self.stateless_apply(
            [v.value for v in self._variables],
            list(grads),
            [v.value for v in self._trainable_variables],
        )
        for v, value in zip(self._trainable_variables, new_train, strict=True):
            v.assign(value)
        for v, value in zip(self._variables, new_opt, strict=True):
            v.assign(value)

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """Pure step: returns `(new_trainable_values, new_optimizer_values)`."""
        if not self.built:
            raise ValueError(
                "To call `stateless_apply`, OptaxOptimizer must be built; "
                "call `optimizer.build(trainable_variables)`."
            )
        optimizer_variables = list(optimizer_variables)
        state = self._treedef.unflatten(optimizer_variables[1:])
        params = list(trainable_variables)
        grads = [
            jnp.zeros_like(p) if g is None else g
            for g, p in zip(grads, params, strict=True)
        ]
        updates, state = self.transformation.update(grads, state, params)
        params = optax.apply_updates(params, updates)
        leaves = jax.tree_util.tree_leaves(state)
        iterations = optimizer_variables[0] + 1
        return list(params), [iterations] + list(leaves)

    def scale_loss(self, loss):
        """Returns `loss` unchanged (no loss scaling)."""
        return loss

    def finalize_variable_values(self, var_list) -> None:
        """Nothing to finalize."""
        del var_list
