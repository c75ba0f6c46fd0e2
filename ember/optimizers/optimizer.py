"""The optimizer base class: Keras' signature and variables, optax inside.

An optimizer keeps its state in ember `Variable`s laid out as Keras 3 lays
them out: `iteration`, `learning_rate`, then the per-variable slots (the
weights' averages with `use_ema`, the gradient accumulators with
`gradient_accumulation_steps`, the rule's own), then the rule's extra
scalars. `.keras` files and custom `train_step`s see the same flat list.

One step is one pure function of value lists (`stateless_apply`; `apply`
reads the variables, calls it and writes the results back). It runs
Keras' sequence:

1. drop missing gradients;
2. the gradients through one `optax.chain`: undo the loss scale,
   accumulate, clip, the update rule (`ember.optimizers.transforms`,
   `optax.clip`); its state is read from and written to the variables;
3. Keras' decoupled weight decay on the variables themselves;
4. add the updates (on an update step, with accumulation);
5. move the weights' averages, maybe overwrite the weights with them;
6. apply the variables' constraints and count the iteration.
"""

import numbers
import re
import warnings
from typing import Any

import jax.numpy as jnp
import numpy as np
import optax

from ember.core import config
from ember.core import naming
from ember.core.checks import check_constructor_arguments
from ember.core.checks import check_real
from ember.core.checks import is_integer
from ember.core.variable import Variable
from ember.optimizers import schedules as lr_schedules
from ember.optimizers import transforms

# `_present`'s warning points past `_step` and `apply` / `stateless_apply`.
_WARNING_STACKLEVEL = 4


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

    # Loading checks each number of a config against Keras' defaults;
    # an optimizer's numbers are scalars (`core.checks`).
    _scalar_arguments = True
    # A subclass' own hyperparameters, written after the base config.
    _config_keys: tuple[str, ...] = ()

    def __new__(cls, *args, **kwargs):
        check_constructor_arguments(cls, args, kwargs)
        return super().__new__(cls)

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
        _check_kwargs(kwargs)
        if name is None:
            name = naming.uniquify(naming.to_snake_case(type(self).__name__))
        if not isinstance(name, str):
            raise ValueError(
                f"{type(self).__name__}: expected `name` to be a string. "
                f"Received: name={name!r}"
            )
        owner = type(self).__name__
        for argument, value in (
            ("weight_decay", weight_decay),
            ("clipnorm", clipnorm),
            ("clipvalue", clipvalue),
            ("global_clipnorm", global_clipnorm),
            ("loss_scale_factor", loss_scale_factor),
        ):
            if value is not None:
                check_real(owner, argument, value)
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
        _check_options(
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
        # slot name -> one optimizer Variable per trainable variable
        self._slots: dict[str, list] = {}
        # key -> a single optimizer Variable outside the per-variable slots
        self._extras: dict[str, Variable] = {}
        self._exclude_ids: set[int] = set()
        self._exclude_pattern = None

        self._iterations = self._new_variable(0, "int32", "iteration")
        self._learning_rate = None
        self._set_initial_learning_rate(learning_rate)

    # -- learning rate --------------------------------------------------
    def _set_initial_learning_rate(self, learning_rate) -> None:
        if _is_dynamic(learning_rate):
            self._learning_rate = learning_rate
            return
        _check_number(learning_rate)
        self._learning_rate = self._new_variable(
            float(learning_rate), config.floatx(), "learning_rate"
        )

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
        if _is_dynamic(learning_rate):
            self._learning_rate = learning_rate
            if isinstance(previous, Variable):
                self._variables = [
                    v for v in self._variables if v is not previous
                ]
            return
        if isinstance(previous, lr_schedules.LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` "
                "as its `learning_rate`, so its learning rate cannot be set "
                "to a number. Create the optimizer with a float "
                "`learning_rate` to make it settable."
            )
        if isinstance(previous, Variable):
            previous.assign(learning_rate)
        else:
            self._set_initial_learning_rate(learning_rate)

    def _current_learning_rate(self, raw_iterations, lr_value=None):
        """The rate at `raw_iterations`; `lr_value` replaces a variable's."""
        learning_rate = self._learning_rate
        if isinstance(learning_rate, lr_schedules.LearningRateSchedule):
            return learning_rate(raw_iterations)
        if isinstance(learning_rate, Variable):
            return learning_rate.value if lr_value is None else lr_value
        return learning_rate()

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

    # -- variables --------------------------------------------------------
    def _new_variable(
        self, value, dtype, name: str, reference: Variable | None = None
    ) -> Variable:
        """Creates and tracks a variable under the optimizer's name; a slot
        keeps its `reference` (the variable it follows), whose layout it
        takes under a distribution."""
        with naming.name_scope(self.name):
            variable = Variable(value, dtype=dtype, trainable=False, name=name)
        variable._reference = reference
        self._variables.append(variable)
        return variable

    def add_variable(
        self, shape, initializer=0.0, dtype=None, name=None
    ) -> Variable:
        """Creates and tracks an optimizer variable filled with a constant."""
        dtype = dtype or config.floatx()
        value = jnp.full(tuple(shape), initializer, dtype=dtype)
        return self._new_variable(value, dtype, name)

    def add_variable_from_reference(
        self, reference_variable, name=None, initializer=0.0
    ) -> Variable:
        """Creates a slot shaped like `reference_variable`, named
        `{reference path with '/' -> '_'}_{name}`."""
        dtype = reference_variable.dtype
        value = jnp.full(tuple(reference_variable.shape), initializer, dtype)
        name = _slot_name(reference_variable, name)
        return self._new_variable(value, dtype, name, reference_variable)

    # -- building ---------------------------------------------------------
    def _slot_spec(self) -> list:
        """Groups of `(slot_name, initial_value)`; one group per Keras call
        to `add_optimizer_variables` (slots of a group interleave per
        variable)."""
        return []

    def _extra_spec(self, var_list) -> list:
        """`(key, variable_name, initial_value, dtype)` of extra scalars."""
        return []

    def build(self, var_list) -> None:
        """Creates the slot variables for `var_list` (once).

        Their initial values are the gradient chain's `init`; the slots of
        a group interleave per variable (all of the first variable's, then
        the second's), so the flat variable list matches Keras'.
        """
        if self.built:
            return
        var_list = list(var_list)
        self._trainable_variables = var_list[:]
        self._trainable_index = {id(v): i for i, v in enumerate(var_list)}
        values = [v.value for v in var_list]
        init = {key: tx.init(values) for key, tx in self._gradient_pieces()}
        groups = []
        if self.use_ema:
            zeros = [jnp.zeros_like(value) for value in values]
            groups.append({"average": zeros})
        if "accumulate" in init:
            groups.append({"gradient_accumulator": init["accumulate"]})
        rule = init["rule"]
        for group in self._slot_spec():
            groups.append({name: rule["slots"][name] for name, _ in group})
        self._slots = {}
        for group in groups:
            for name in group:
                self._slots[name] = []
            for i, variable in enumerate(var_list):
                for name, initial in group.items():
                    slot = self._new_variable(
                        initial[i],
                        variable.dtype,
                        _slot_name(variable, name),
                        variable,
                    )
                    self._slots[name].append(slot)
        self._extras = {}
        for key, var_name, _, dtype in self._extra_spec(var_list):
            # Keras makes these outside the optimizer's name scope.
            extra = Variable(
                rule["extras"][key], dtype=dtype, trainable=False, name=var_name
            )
            self._variables.append(extra)
            self._extras[key] = extra
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

    # -- the gradient chain -------------------------------------------------
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
        return transforms.update_rule(
            slot_spec, self._extra_spec, self._update_one, self._update_extras
        )

    def _gradient_pieces(self) -> list:
        """`(key, transformation)` of the gradient chain, in Keras' order.

        The keys say whose state a piece holds: `"accumulate"` the
        gradient accumulators, `"rule"` the rule's slots and extras; the
        others are stateless.
        """
        pieces = []
        if self.loss_scale_factor is not None:
            unscale = transforms.unscale_gradients(self.loss_scale_factor)
            pieces.append(("unscale", unscale))
        if self.gradient_accumulation_steps:
            steps = self.gradient_accumulation_steps
            accumulate = transforms.accumulate_gradients(steps)
            pieces.append(("accumulate", accumulate))
        if self.clipnorm and self.clipnorm > 0:
            pieces.append(("clip", transforms.clip_by_norm(self.clipnorm)))
        elif self.global_clipnorm and self.global_clipnorm > 0:
            clip = transforms.clip_by_global_norm(self.global_clipnorm)
            pieces.append(("clip", clip))
        elif self.clipvalue and self.clipvalue > 0:
            pieces.append(("clip", optax.clip(self.clipvalue)))
        pieces.append(("rule", self.transform()))
        return pieces

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
            self._check_built_for(grads)
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                self.build(trainable_variables)
            self._check_known(trainable_variables)
        # Put the gradients in build order; missing ones are None.
        full = [None] * len(self._trainable_variables)
        for grad, v in zip(grads, trainable_variables, strict=True):
            full[self._trainable_index[id(v)]] = grad
        new_trainable, new_opt = self._step(
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
        self._check_stateless(optimizer_variables, trainable_variables)
        return self._step(
            list(optimizer_variables),
            list(grads),
            list(trainable_variables),
        )

    def _step(self, opt_values, grads, train_values):
        """One step on value lists: `(new_trainable, new_optimizer)` values.

        With no variables at all (a model whose weights are all frozen) it
        changes nothing, not even the iteration count, as Keras' `apply`.
        """
        if not grads and not train_values:
            return list(train_values), list(opt_values)
        position = {id(v): i for i, v in enumerate(self._variables)}

        def value_of(variable):
            return opt_values[position[id(variable)]]

        raw_iterations = value_of(self._iterations)
        lr_value = None
        if isinstance(self._learning_rate, Variable):
            lr_value = value_of(self._learning_rate)
        learning_rate = self._current_learning_rate(raw_iterations, lr_value)
        accumulate = self.gradient_accumulation_steps
        # The rules' step (bias corrections) counts updates, not calls.
        if accumulate:
            step = raw_iterations // accumulate + 1
        else:
            step = raw_iterations + 1

        variables = self._trainable_variables
        active = _present(grads, variables, _WARNING_STACKLEVEL)
        grads = [jnp.asarray(grads[i]) for i in active]
        params = [jnp.asarray(train_values[i]) for i in active]
        params = _decay_weights(
            params,
            [self._use_weight_decay(variables[i]) for i in active],
            self.weight_decay,
            learning_rate,
        )

        pieces = self._gradient_pieces()
        states = {key: optax.EmptyState() for key, _ in pieces}
        if accumulate:
            accumulators = self._slots["gradient_accumulator"]
            states["accumulate"] = [value_of(accumulators[i]) for i in active]
        states["rule"] = {
            "slots": {
                name: [value_of(self._slots[name][i]) for i in active]
                for group in self._slot_spec()
                for name, _ in group
            },
            "extras": {key: value_of(v) for key, v in self._extras.items()},
        }
        chain = optax.chain(*(tx for _, tx in pieces))
        updates, new_states = chain.update(
            grads,
            tuple(states[key] for key, _ in pieces),
            params,
            learning_rate=learning_rate,
            step=step,
            iteration=raw_iterations,
        )
        params = optax.apply_updates(params, updates)
        states = dict(zip((key for key, _ in pieces), new_states, strict=True))

        new_values = {}
        for name, slot_values in states["rule"]["slots"].items():
            for k, i in enumerate(active):
                new_values[id(self._slots[name][i])] = slot_values[k]
        for key, v in self._extras.items():
            new_values[id(v)] = states["rule"]["extras"][key]
        new_train = list(train_values)
        for k, i in enumerate(active):
            new_train[i] = params[k]
        new_opt = [
            new_values.get(id(v), old)
            for v, old in zip(self._variables, opt_values, strict=True)
        ]

        if accumulate:
            # Keras' JAX optimizer: a call that only accumulates keeps the
            # weights and the rule's state, and stores the new sums.
            now = transforms.is_update_step(raw_iterations, accumulate)
            new_train = _where(now, new_train, train_values)
            new_opt = _where(now, new_opt, opt_values)
            for k, i in enumerate(active):
                new_opt[position[id(accumulators[i])]] = states["accumulate"][k]
        if self.use_ema:
            iterations = (
                raw_iterations // accumulate if accumulate else raw_iterations
            )
            new_train = self._moving_average(
                new_train, new_opt, position, iterations
            )
        # Keras applies the constraints last, on update and accumulation steps.
        for i in active:
            constraint = getattr(variables[i], "constraint", None)
            if constraint is not None:
                new_train[i] = constraint(new_train[i])
        it_pos = position[id(self._iterations)]
        new_opt[it_pos] = opt_values[it_pos] + 1
        return _cast_like(new_train, train_values), _cast_like(
            new_opt, opt_values
        )

    def _moving_average(self, new_train, new_opt, position, iterations):
        """Moves the `_average` slots in `new_opt` (in place) towards the new
        weights; returns the weights, overwritten by the averages on an
        overwrite step.

        As Keras: `average = m * average + (1 - m) * weight` with `m = 0`
        while `iterations` (the updates made before this call) is 0, so the
        first step copies the weights; the weights are replaced on every
        call where `(iterations + 1) % ema_overwrite_frequency == 0`. Both
        run on every call, update step or not.
        """
        not_first = jnp.logical_not(jnp.equal(iterations, 0))
        averages = []
        for variable, weight in zip(
            self._slots["average"], new_train, strict=True
        ):
            weight = jnp.asarray(weight)
            m = not_first.astype(weight.dtype) * self.ema_momentum
            average = new_opt[position[id(variable)]]
            average = m * average + (1 - m) * weight
            new_opt[position[id(variable)]] = average
            averages.append(average)
        frequency = self.ema_overwrite_frequency
        if frequency is None:
            return new_train
        now = jnp.equal((iterations + 1) % frequency, 0)
        return _where(now, averages, new_train)

    # -- argument checks ------------------------------------------------
    def _check_built_for(self, grads: list) -> None:
        """Raises unless built on one variable per gradient."""
        if not self.built:
            raise ValueError(
                "When passing `grads` without `variables`, the optimizer "
                "must already be built on a list of variables. Call "
                "`optimizer.build(trainable_variables)` first."
            )
        if len(grads) != len(self._trainable_variables):
            raise ValueError(
                f"Received {len(grads)} gradients, but the optimizer is "
                f"tracking {len(self._trainable_variables)} trainable "
                "variables."
            )

    def _check_known(self, trainable_variables: list) -> None:
        """Raises unless built with every one of the variables."""
        for v in trainable_variables:
            if id(v) not in self._trainable_index:
                raise ValueError(
                    f"Unknown variable: {getattr(v, 'path', v)}. This "
                    "optimizer can only be called for the variables it "
                    "was originally built with."
                )

    def _check_stateless(self, optimizer_variables, trainable_variables):
        """Raises unless `stateless_apply`'s value lists fit."""
        name = type(self).__name__
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {name} must be "
                "built (i.e. its variables must have been created). You can "
                "build it via `optimizer.build(trainable_variables)`."
            )
        if len(optimizer_variables) != len(self._variables):
            raise ValueError(
                "Argument `optimizer_variables` must be a list of tensors "
                f"corresponding 1:1 to {name}().variables. "
                f"Received list with length {len(optimizer_variables)}, but "
                f"expected {len(self._variables)} variables."
            )
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(
                "Argument `trainable_variables` must correspond 1:1 to the "
                "variables the optimizer was built with. Received "
                f"{len(trainable_variables)} values for "
                f"{len(self._trainable_variables)} variables."
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
        learning_rate = self._learning_rate
        if isinstance(learning_rate, lr_schedules.LearningRateSchedule):
            learning_rate = lr_schedules.serialize(learning_rate)
        elif isinstance(learning_rate, Variable):
            learning_rate = float(np.asarray(learning_rate._value))
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
            **{key: getattr(self, key) for key in self._config_keys},
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects=None) -> "Optimizer":
        """Creates an optimizer from `get_config()`'s output."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = lr_schedules.deserialize(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


def _slot_name(reference_variable, name: str | None) -> str:
    """Keras' slot name: `{reference path with '/' -> '_'}_{name}`."""
    reference = getattr(reference_variable, "path", None)
    if reference is None:
        reference = str(reference_variable.name).replace(":", "_")
    return f"{reference.replace('/', '_')}_{name or 'var'}"


def _is_dynamic(learning_rate) -> bool:
    """Whether `learning_rate` is a schedule or a callable, not a number."""
    return isinstance(learning_rate, lr_schedules.LearningRateSchedule) or (
        callable(learning_rate)
    )


def _check_number(learning_rate) -> None:
    """Raises unless `learning_rate` is a real number (not a bool)."""
    if isinstance(learning_rate, bool) or not isinstance(
        learning_rate, numbers.Real
    ):
        raise ValueError(
            "Argument `learning_rate` should be a float, a "
            "LearningRateSchedule, or a callable returning the "
            f"learning rate. Received: learning_rate={learning_rate!r}"
        )


def _check_kwargs(kwargs: dict) -> None:
    """Warns about (and drops) the retired `decay`; raises on the rest."""
    if kwargs.pop("decay", None) is not None:
        warnings.warn(
            "Argument `decay` is no longer supported and will be ignored.",
            # points at the caller of Optimizer.__init__
            stacklevel=3,
        )
    if kwargs:
        raise ValueError(f"Argument(s) not recognized: {kwargs}")


def _check_options(
    gradient_accumulation_steps,
    use_ema,
    ema_momentum,
    ema_overwrite_frequency,
    clipnorm,
    clipvalue,
    global_clipnorm,
) -> None:
    """Raises on a bad accumulation or EMA option, or on more than one
    clipping option."""
    if gradient_accumulation_steps is not None and not (
        is_integer(gradient_accumulation_steps)
        and gradient_accumulation_steps >= 2
    ):
        raise ValueError(
            "`gradient_accumulation_steps` must be an integer >= 2. "
            "Received: gradient_accumulation_steps="
            f"{gradient_accumulation_steps!r}"
        )
    if use_ema:
        if (
            not isinstance(ema_momentum, numbers.Real)
            or isinstance(ema_momentum, bool)
            or not 0 <= ema_momentum <= 1
        ):
            raise ValueError(
                "`ema_momentum` must be in the range [0, 1]. "
                f"Received: ema_momentum={ema_momentum}"
            )
        frequency = ema_overwrite_frequency
        if frequency is not None and (
            not is_integer(frequency) or frequency < 1
        ):
            raise ValueError(
                "`ema_overwrite_frequency` must be an integer >= 1 or "
                f"None. Received: ema_overwrite_frequency={frequency}"
            )
    clip_args = [clipnorm, clipvalue, global_clipnorm]
    if sum(a is not None for a in clip_args) > 1:
        raise ValueError(
            "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can "
            f"be set. Received: clipnorm={clipnorm}, "
            f"clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
        )


def _present(grads: list, variables: list, stacklevel: int) -> list[int]:
    """Indices of the gradients that are not None; warns about the rest.

    `stacklevel` counts from this function, so the warning points at the
    user's call.
    """
    active = [i for i, g in enumerate(grads) if g is not None]
    if not active:
        raise ValueError("No gradients provided for any variable.")
    if len(active) < len(grads):
        missing = [
            getattr(variables[i], "path", str(i))
            for i, g in enumerate(grads)
            if g is None
        ]
        warnings.warn(
            f"Gradients do not exist for variables {missing} when "
            "minimizing the loss. If using `model.compile()`, did you "
            "forget to provide a `loss` argument?",
            stacklevel=stacklevel,
        )
    return active


def _decay_weights(
    params: list, decayed: list[bool], weight_decay, learning_rate
) -> list:
    """Keras' decoupled weight decay: `param - param * weight_decay * lr`.

    It moves the variables before the rule's update is added, so it is not
    a link of the gradient chain: `optax.add_decayed_weights(-wd * lr)`
    after the rule adds `-wd * lr * param` to the update instead, which in
    float32 differs from Keras by up to 6.5e-7 (relative) after one AdamW
    step and 2.9e-5 after 200.
    """
    if weight_decay is None:
        return params
    out = []
    for p, decay in zip(params, decayed, strict=True):
        if decay:
            lr = jnp.asarray(learning_rate).astype(p.dtype)
            wd = jnp.asarray(weight_decay).astype(p.dtype)
            p = p - p * wd * lr
        out.append(p)
    return out


def _where(condition, new: list, old: list) -> list:
    return [jnp.where(condition, n, o) for n, o in zip(new, old, strict=True)]


def _cast_like(values: list, like: list) -> list:
    return [
        jnp.asarray(v).astype(jnp.asarray(old).dtype)
        for v, old in zip(values, like, strict=True)
    ]


__all__ = ["Optimizer"]
