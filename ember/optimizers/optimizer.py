"""The optimizer base class: Keras' signature and variables, optax inside.

An optimizer keeps its state in ember `Variable`s laid out as Keras 3 lays
them out (`iteration`, `learning_rate`, then the per-variable slots), so
`.keras` files and custom `train_step`s see the same flat list. The update
rule itself is an optax `GradientTransformation` over a pytree of slots; the
optimizer maps the flat variable list to and from that pytree.

Every step runs as one pure function of value lists (`_step.py`, reached
through `stateless_apply`); `apply` reads the variables, calls it, and
writes the results back. The gradient pipeline (loss-scale, accumulation,
clipping, weight decay) is in `_gradients.py`, the weights' moving average
in `_ema.py`, the learning rate's forms in `_learning_rate.py`, the slot
variables' layout in `_slots.py`, the rule's optax wrapper in `_rule.py`,
the argument checks in `_arguments.py`.
"""

import re
from typing import Any

import jax.numpy as jnp
import optax

from ember.core import config
from ember.core import naming
from ember.core.variable import Variable
from ember.optimizers import _arguments
from ember.optimizers import _learning_rate
from ember.optimizers import _rule
from ember.optimizers import _slots
from ember.optimizers import _step


class Optimizer:
    """Base class of ember optimizers (Keras 3 compatible).

    Subclasses declare their per-variable slots with `_slot_spec` and their
    update rule with `_update_one`; the base class handles variables,
    learning rate, gradient clipping, weight decay, loss scaling, gradient
    accumulation, the weights' moving average and the stateless step.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable taking
            no arguments and returning the rate.
        weight_decay: if set, variables are decayed by
            `variable * weight_decay * learning_rate` before each update.
        clipnorm: if set, each gradient is clipped to this L2 norm.
        clipvalue: if set, each gradient is clipped to `[-clipvalue,
            clipvalue]`.
        global_clipnorm: if set, all gradients are scaled together so that
            their joint L2 norm is at most this value.
        use_ema: if True, the optimizer keeps an exponential moving average
            of the weights (one `<variable path>_average` slot each),
            updated after every step; `fit` writes it into the model's
            weights when training ends (`finalize_variable_values`).
        ema_momentum: the average's momentum, in [0, 1]:
            `average = ema_momentum * average + (1 - ema_momentum) * weight`
            (the first step copies the weights).
        ema_overwrite_frequency: if set (an int >= 1), the weights are
            replaced by their averages every that many iterations.
        loss_scale_factor: if set, `scale_loss` multiplies the loss by it and
            gradients are divided by it before use.
        gradient_accumulation_steps: if set (an int >= 2), gradients are
            summed over that many steps and the variables are updated once
            with their mean. `iterations` then counts updates (the
            `iteration` variable counts steps); a learning rate schedule
            reads the steps, the moving average and the rules' bias
            corrections read `iterations`.
        name: the name, used as the scope of the optimizer's variables.
    """

    def __init__(
        self,
        learning_rate: Any,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs,
    ):
        _arguments.check_kwargs(kwargs)
        if name is None:
            name = naming.uniquify(naming.to_snake_case(type(self).__name__))
        self.name = name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        _arguments.check_options(
            gradient_accumulation_steps,
            use_ema,
            ema_momentum,
            ema_overwrite_frequency,
            clipnorm,
            clipvalue,
            global_clipnorm,
        )
        self.built = False
        self._variables: list[Variable] = []
        self._trainable_variables: list = []
        self._trainable_index: dict[int, int] = {}
        # slot name -> one optimizer Variable (or None) per trainable variable
        self._slots: dict[str, list] = {}
        # name -> a single optimizer Variable outside the per-variable slots
        self._extras: dict[str, Variable] = {}
        self._exclude_ids: set[int] = set()
        self._exclude_pattern = None

        with naming.name_scope(self.name):
            self._iterations = Variable(
                0, dtype="int32", trainable=False, name="iteration"
            )
        self._variables.append(self._iterations)
        self._learning_rate = None
        self._set_initial_learning_rate(learning_rate)

    # -- learning rate --------------------------------------------------
    def _set_initial_learning_rate(self, learning_rate) -> None:
        self._learning_rate = _learning_rate.initial(self.name, learning_rate)
        if isinstance(self._learning_rate, Variable):
            self._variables.append(self._learning_rate)

    @property
    def learning_rate(self):
        """The current learning rate (a schedule is evaluated at `iterations`).

        Set it to a float to change the rate without recompiling (the value
        lives in a variable), or to a schedule or callable.
        """
        return self._current_learning_rate(self._iterations.value)

    @learning_rate.setter
    def learning_rate(self, learning_rate) -> None:
        previous = self._learning_rate
        if _learning_rate.is_dynamic(learning_rate):
            self._learning_rate = learning_rate
            if isinstance(previous, Variable):
                self._variables = [
                    v for v in self._variables if v is not previous
                ]
            return
        _learning_rate.check_settable(previous)
        if isinstance(previous, Variable):
            previous.assign(learning_rate)
        else:
            self._set_initial_learning_rate(learning_rate)

    def _current_learning_rate(self, raw_iterations, lr_value=None):
        return _learning_rate.current(
            self._learning_rate, raw_iterations, lr_value
        )

    @property
    def iterations(self):
        """The number of update steps taken (the `iteration` variable)."""
        if self.gradient_accumulation_steps:
            return self._iterations.value // self.gradient_accumulation_steps
        return self._iterations

    @property
    def variables(self) -> list:
        """All optimizer variables, in Keras' order."""
        return self._variables[:]

    # -- building ---------------------------------------------------------
    def _slot_spec(self) -> list:
        """Groups of `(slot_name, initial_value)`; one group per Keras call
        to `add_optimizer_variables` (slots of a group interleave per
        variable)."""
        return []

    def _extra_spec(self, var_list) -> list:
        """`(key, variable_name, initial_value, dtype)` of extra scalars."""
        return []

    def add_variable(
        self, shape, initializer=0.0, dtype=None, name=None
    ) -> Variable:
        """Creates and tracks an optimizer variable filled with a constant."""
        dtype = dtype or config.floatx()
        with naming.name_scope(self.name):
            variable = Variable(
                jnp.full(tuple(shape), initializer, dtype=dtype),
                dtype=dtype,
                trainable=False,
                name=name,
            )
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(
        self, reference_variable, name=None, initializer=0.0
    ) -> Variable:
        """Creates a slot shaped like `reference_variable`, named
        `{reference path with '/' -> '_'}_{name}`."""
        name = name or "var"
        reference = getattr(reference_variable, "path", None)
        if reference is None:
            reference = str(reference_variable.name).replace(":", "_")
        name = f"{reference.replace('/', '_')}_{name}"
        return self.add_variable(
            reference_variable.shape,
            initializer=initializer,
            dtype=reference_variable.dtype,
            name=name,
        )

    def build(self, var_list) -> None:
        """Creates the slot variables for `var_list` (once)."""
        if self.built:
            return
        var_list = list(var_list)
        self._trainable_variables = var_list[:]
        self._trainable_index = {id(v): i for i, v in enumerate(var_list)}
        self._slots, self._extras = _slots.create(self, var_list)
        if self.use_ema:
            # Keras' attribute, read by callbacks such as SwapEMAWeights.
            self._model_variables_moving_average = self._slots["average"]
        self.built = True

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Excludes variables (or names containing any of `var_names`) from
        weight decay; call before the optimizer is built."""
        if self.built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configured before "
                "the optimizer is built."
            )
        self._exclude_ids = {id(v) for v in var_list or ()}
        if var_names:
            self._exclude_pattern = re.compile("|".join(set(var_names)))
        else:
            self._exclude_pattern = None

    def _use_weight_decay(self, variable) -> bool:
        if id(variable) in self._exclude_ids:
            return False
        if self._exclude_pattern is not None:
            if self._exclude_pattern.search(variable.name) is not None:
                return False
        return True

    # -- the update rule as an optax transformation ------------------------
    def _update_one(self, grad, param, slots, lr, step, extras):
        """Returns `(update, new_slots)` for one variable (update is added)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `_update_one`."
        )

    def _update_extras(self, extras, step, dtype):
        """Updates the extra scalars once per step, before `_update_one`."""
        return extras

    def transform(self) -> optax.GradientTransformationExtraArgs:
        """This optimizer's update rule as an optax transformation.

        Its state is `{"slots": {name: [per-variable array]}, "extras":
        {...}}`; `update` takes the keyword arguments `learning_rate` and
        `step` (the 1-based step number) and returns additive updates. It
        does no clipping or weight decay (`stateless_apply` does those).
        """
        slot_spec = [slot for group in self._slot_spec() for slot in group]
        return _rule.rule_transform(
            slot_spec, self._extra_spec, self._update_one, self._update_extras
        )

    # -- applying -----------------------------------------------------------
    def scale_loss(self, loss):
        """Multiplies `loss` by `loss_scale_factor` when one is set."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    def apply_gradients(self, grads_and_vars):
        """Applies `(gradient, variable)` pairs; returns `iterations`."""
        grads, trainable_variables = zip(*grads_and_vars, strict=True)
        self.apply(grads, trainable_variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None) -> None:
        """Updates the variables with `grads` (building on first use)."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            _arguments.check_built_for(self, grads)
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                self.build(trainable_variables)
            _arguments.check_known(self, trainable_variables)
        # Put the gradients in build order; missing ones are None.
        full = [None] * len(self._trainable_variables)
        for grad, v in zip(grads, trainable_variables, strict=True):
            full[self._trainable_index[id(v)]] = grad
        new_trainable, new_opt = _step.stateless_step(
            self,
            [v.value for v in self._variables],
            full,
            [v.value for v in self._trainable_variables],
        )
        for v, value in zip(
            self._trainable_variables, new_trainable, strict=True
        ):
            v.assign(value)
        for v, value in zip(self._variables, new_opt, strict=True):
            v.assign(value)

    def stateless_apply(
        self, optimizer_variables, grads, trainable_variables
    ) -> tuple[list, list]:
        """Pure version of `apply`: returns the new values instead.

        Args:
            optimizer_variables: values of `self.variables`, in order.
            grads: one gradient (or None) per trainable variable.
            trainable_variables: values of the variables the optimizer was
                built with, in order.

        Returns:
            `(new_trainable_values, new_optimizer_values)`.
        """
        _arguments.check_stateless(
            self, optimizer_variables, trainable_variables
        )
        return _step.stateless_step(
            self,
            list(optimizer_variables),
            list(grads),
            list(trainable_variables),
        )

    # -- weights and config ----------------------------------------------
    def set_weights(self, weights) -> None:
        """Sets the values of `variables` from a list of arrays."""
        if len(weights) != len(self._variables):
            raise ValueError(
                f"Optimizer {self.name!r} has {len(self._variables)} "
                f"variables; received {len(weights)} weights."
            )
        for v, w in zip(self._variables, weights, strict=True):
            v.assign(w)

    def finalize_variable_values(self, var_list) -> None:
        """Sets the final values of the model's variables after training.

        With `use_ema=True`, `var_list` (the model's trainable weights, in
        the order the optimizer was built with) receives the moving
        averages; otherwise nothing changes. `fit` calls it at the end.

        Args:
            var_list: the variables to finalize.
        """
        if not self.use_ema:
            return
        averages = getattr(self, "_model_variables_moving_average", [])
        var_list = list(var_list)
        if len(var_list) != len(averages):
            raise ValueError(
                f"The length of model variables ({len(var_list)}) "
                "to override does not match the length of model variables "
                f"stored in the optimizer ({len(averages)}). Please "
                "check if the optimizer was called on your model."
            )
        for variable, average in zip(var_list, averages, strict=True):
            # A copy: the compiled steps donate their inputs, and one buffer
            # may not be donated twice.
            variable.assign(jnp.copy(average.value))

    def get_config(self) -> dict:
        """Returns the Keras-compatible config of this optimizer."""
        return {
            "name": self.name,
            "learning_rate": _learning_rate.serialize(self._learning_rate),
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects=None) -> "Optimizer":
        """Creates an optimizer from `get_config()`'s output."""
        config = dict(config)
        if "learning_rate" in config:
            config["learning_rate"] = _learning_rate.deserialize(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


__all__ = ["Optimizer"]
