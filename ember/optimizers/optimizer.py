"""The optimizer base class: Keras' signature and variables, optax inside.

An optimizer keeps its state in ember `Variable`s laid out as Keras 3 lays
them out (`iteration`, `learning_rate`, then the per-variable slots), so
`.keras` files and custom `train_step`s see the same flat list. The update
rule itself is an optax `GradientTransformation` over a pytree of slots; the
optimizer maps the flat variable list to and from that pytree.

Every step runs as one pure function of value lists (`stateless_apply`);
`apply` reads the variables, calls it, and writes the results back.
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
from ember.core.variable import Variable
from ember.optimizers.schedules import learning_rate_schedule as lr_schedules


class Optimizer:
    """Base class of ember optimizers (Keras 3 compatible).

    Subclasses declare their per-variable slots with `_slot_spec` and their
    update rule with `_update_one`; the base class handles variables,
    learning rate, gradient clipping, weight decay, loss scaling, gradient
    accumulation and the stateless step.

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
        use_ema: moving averages of the weights; not supported yet.
        ema_momentum: momentum of the moving average (kept for configs).
        ema_overwrite_frequency: kept for configs.
        loss_scale_factor: if set, `scale_loss` multiplies the loss by it and
            gradients are divided by it before use.
        gradient_accumulation_steps: if set (an int >= 2), gradients are
            summed over that many steps and the variables are updated once
            with their mean.
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
        if kwargs.pop("decay", None) is not None:
            warnings.warn(
                "Argument `decay` is no longer supported and will be ignored.",
                stacklevel=2,
            )
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
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
        if gradient_accumulation_steps is not None and not (
            gradient_accumulation_steps >= 2
        ):
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                "Received: gradient_accumulation_steps="
                f"{gradient_accumulation_steps}"
            )
        if use_ema:
            raise NotImplementedError(
                "`use_ema=True` is not supported by ember optimizers yet."
            )
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        clip_args = [clipnorm, clipvalue, global_clipnorm]
        if sum(a is not None for a in clip_args) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can "
                f"be set. Received: clipnorm={clipnorm}, "
                f"clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
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
        if isinstance(learning_rate, lr_schedules.LearningRateSchedule):
            self._learning_rate = learning_rate
        elif callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if isinstance(learning_rate, bool) or not isinstance(
                learning_rate, numbers.Real
            ):
                raise ValueError(
                    "Argument `learning_rate` should be a float, a "
                    "LearningRateSchedule, or a callable returning the "
                    f"learning rate. Received: learning_rate={learning_rate!r}"
                )
            with naming.name_scope(self.name):
                variable = Variable(
                    float(learning_rate),
                    dtype=config.floatx(),
                    trainable=False,
                    name="learning_rate",
                )
            self._variables.append(variable)
            self._learning_rate = variable

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
        if isinstance(learning_rate, lr_schedules.LearningRateSchedule) or (
            callable(learning_rate)
        ):
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
        if isinstance(self._learning_rate, lr_schedules.LearningRateSchedule):
            return self._learning_rate(raw_iterations)
        if isinstance(self._learning_rate, Variable):
            return self._learning_rate.value if lr_value is None else lr_value
        return self._learning_rate()

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

    def _add_slot_group(self, var_list, group) -> None:
        for slot_name, _ in group:
            self._slots[slot_name] = []
        for variable in var_list:
            for slot_name, init in group:
                self._slots[slot_name].append(
                    self.add_variable_from_reference(
                        variable, name=slot_name, initializer=init
                    )
                )

    def build(self, var_list) -> None:
        """Creates the slot variables for `var_list` (once)."""
        if self.built:
            return
        var_list = list(var_list)
        self._trainable_variables = var_list[:]
        self._trainable_index = {id(v): i for i, v in enumerate(var_list)}
        if self.gradient_accumulation_steps:
            self._add_slot_group(var_list, [("gradient_accumulator", 0.0)])
        for group in self._slot_spec():
            self._add_slot_group(var_list, group)
        for key, var_name, init, dtype in self._extra_spec(var_list):
            variable = Variable(
                init, dtype=dtype, trainable=False, name=var_name
            )
            self._variables.append(variable)
            self._extras[key] = variable
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

        def init_fn(params):
            params = list(params)
            slots = {
                name: [
                    jnp.full(jnp.shape(p), init, jnp.result_type(p))
                    for p in params
                ]
                for name, init in slot_spec
            }
            extras = {
                key: jnp.asarray(init, dtype)
                for key, _, init, dtype in self._extra_spec(params)
            }
            return {"slots": slots, "extras": extras}

        def update_fn(
            updates, state, params=None, *, learning_rate, step, **extra_args
        ):
            del extra_args
            grads = list(updates)
            params = list(params)
            dtype = params[0].dtype if params else config.floatx()
            extras = self._update_extras(dict(state["extras"]), step, dtype)
            new_slots = {name: [] for name in state["slots"]}
            out = []
            for i, (grad, param) in enumerate(zip(grads, params, strict=True)):
                slots = {name: v[i] for name, v in state["slots"].items()}
                lr = jnp.asarray(learning_rate).astype(param.dtype)
                grad = jnp.asarray(grad).astype(param.dtype)
                update, slots = self._update_one(
                    grad, param, slots, lr, step, extras
                )
                out.append(update)
                for name in new_slots:
                    new_slots[name].append(slots[name])
            return out, {"slots": new_slots, "extras": extras}

        return optax.GradientTransformationExtraArgs(init_fn, update_fn)

    # -- gradient processing ------------------------------------------------
    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [_clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return _clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            v = self.clipvalue
            return [jnp.clip(g, -v, v) for g in grads]
        return grads

    def scale_loss(self, loss):
        """Multiplies `loss` by `loss_scale_factor` when one is set."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # -- applying -----------------------------------------------------------
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
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                self.build(trainable_variables)
            for v in trainable_variables:
                if id(v) not in self._trainable_index:
                    raise ValueError(
                        f"Unknown variable: {getattr(v, 'path', v)}. This "
                        "optimizer can only be called for the variables it "
                        "was originally built with."
                    )
        # Put the gradients in build order; missing ones are None.
        full = [None] * len(self._trainable_variables)
        for grad, v in zip(grads, trainable_variables, strict=True):
            full[self._trainable_index[id(v)]] = grad
        new_trainable, new_opt = self._stateless_step(
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
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be "
                "built (i.e. its variables must have been created). You can "
                "build it via `optimizer.build(trainable_variables)`."
            )
        if len(optimizer_variables) != len(self._variables):
            raise ValueError(
                "Argument `optimizer_variables` must be a list of tensors "
                f"corresponding 1:1 to {type(self).__name__}().variables. "
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
        return self._stateless_step(
            list(optimizer_variables), list(grads), list(trainable_variables)
        )

    def _stateless_step(self, opt_values, grads, train_values):
        position = {id(v): i for i, v in enumerate(self._variables)}
        raw_iterations = opt_values[position[id(self._iterations)]]
        lr_value = None
        if isinstance(self._learning_rate, Variable):
            lr_value = opt_values[position[id(self._learning_rate)]]
        learning_rate = self._current_learning_rate(raw_iterations, lr_value)

        active = [i for i, g in enumerate(grads) if g is not None]
        if not active:
            raise ValueError("No gradients provided for any variable.")
        if len(active) < len(grads):
            missing = [
                getattr(self._trainable_variables[i], "path", str(i))
                for i, g in enumerate(grads)
                if g is None
            ]
            warnings.warn(
                f"Gradients do not exist for variables {missing} when "
                "minimizing the loss. If using `model.compile()`, did you "
                "forget to provide a `loss` argument?",
                stacklevel=3,
            )
        new_opt = list(opt_values)
        new_train = list(train_values)
        act_grads = [jnp.asarray(grads[i]) for i in active]
        params = [jnp.asarray(train_values[i]) for i in active]
        if self.loss_scale_factor is not None:
            act_grads = [g / self.loss_scale_factor for g in act_grads]

        accumulate = self.gradient_accumulation_steps
        if accumulate:
            acc_vars = self._slots["gradient_accumulator"]
            acc = [opt_values[position[id(acc_vars[i])]] for i in active]
            is_update = (raw_iterations + 1) % accumulate == 0
            summed = [g + a for g, a in zip(act_grads, acc, strict=True)]
            act_grads = [
                jnp.where(is_update, s / accumulate, g)
                for s, g in zip(summed, act_grads, strict=True)
            ]
            new_acc = [
                jnp.where(is_update, jnp.zeros_like(s), s) for s in summed
            ]
            step = raw_iterations // accumulate + 1
        else:
            step = raw_iterations + 1

        act_grads = self._clip_gradients(act_grads)
        if self.weight_decay is not None:
            decayed = []
            for i, p in zip(active, params, strict=True):
                if self._use_weight_decay(self._trainable_variables[i]):
                    lr = jnp.asarray(learning_rate).astype(p.dtype)
                    wd = jnp.asarray(self.weight_decay).astype(p.dtype)
                    p = p - p * wd * lr
                decayed.append(p)
            params = decayed

        rule_slots = [s for group in self._slot_spec() for s, _ in group]
        state = {
            "slots": {
                name: [
                    opt_values[position[id(self._slots[name][i])]]
                    for i in active
                ]
                for name in rule_slots
            },
            "extras": {
                key: opt_values[position[id(v)]]
                for key, v in self._extras.items()
            },
        }
        updates, state = self.transform().update(
            act_grads, state, params, learning_rate=learning_rate, step=step
        )
        params = optax.apply_updates(params, updates)
        for k, i in enumerate(active):
            constraint = getattr(
                self._trainable_variables[i], "constraint", None
            )
            if constraint is not None:
                params[k] = constraint(params[k])
        new_values = {}
        for name in rule_slots:
            for k, i in enumerate(active):
                new_values[id(self._slots[name][i])] = state["slots"][name][k]
        for key, v in self._extras.items():
            new_values[id(v)] = state["extras"][key]
        for k, i in enumerate(active):
            new_train[i] = params[k]
        for v in self._variables:
            if id(v) in new_values:
                new_opt[position[id(v)]] = new_values[id(v)]

        if accumulate:
            new_train = [
                jnp.where(is_update, new, old)
                for new, old in zip(new_train, train_values, strict=True)
            ]
            new_opt = [
                jnp.where(is_update, new, old)
                for new, old in zip(new_opt, opt_values, strict=True)
            ]
            for k, i in enumerate(active):
                new_opt[position[id(acc_vars[i])]] = new_acc[k]
        it_pos = position[id(self._iterations)]
        new_opt[it_pos] = opt_values[it_pos] + 1
        new_train = [
            jnp.asarray(v).astype(jnp.asarray(old).dtype)
            for v, old in zip(new_train, train_values, strict=True)
        ]
        new_opt = [
            jnp.asarray(v).astype(jnp.asarray(old).dtype)
            for v, old in zip(new_opt, opt_values, strict=True)
        ]
        return new_train, new_opt

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
        """Hook run at the end of training (nothing to do without EMA)."""
        del var_list

    def get_config(self) -> dict:
        """Returns the Keras-compatible config of this optimizer."""
        if isinstance(self._learning_rate, lr_schedules.LearningRateSchedule):
            learning_rate = lr_schedules.serialize(self._learning_rate)
        elif isinstance(self._learning_rate, Variable):
            learning_rate = float(np.asarray(self._learning_rate._value))
        else:
            learning_rate = self._learning_rate
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


def _clip_by_norm(grad, clipnorm):
    l2sum = jnp.sum(jnp.square(grad), keepdims=True)
    positive = l2sum > 0
    safe = jnp.where(positive, l2sum, jnp.ones_like(l2sum))
    l2norm = jnp.where(positive, jnp.sqrt(safe), l2sum)
    return grad * clipnorm / jnp.maximum(l2norm, clipnorm)


def _clip_by_global_norm(grads, clipnorm):
    norm = jnp.sqrt(jnp.sum(jnp.stack([jnp.sum(jnp.square(g)) for g in grads])))
    scale = clipnorm * jnp.minimum(1.0 / norm, 1.0 / clipnorm)
    # NaN/inf norms propagate into the scale instead of being clipped away.
    scale = scale + (norm - norm)
    return [g * scale for g in grads]


__all__ = ["Optimizer"]
