"""One optimizer step as a pure function of value lists.

`Optimizer.apply` and `Optimizer.stateless_apply` both run
`stateless_step`: it reads the optimizer's values by position in
`optimizer.variables`, runs the gradient pipeline and the update rule, then,
in Keras' order, keeps or discards the update (gradient accumulation),
moves the weights' averages (`use_ema`), applies the constraints and counts
the iteration; it returns new value lists in the same order.
"""

import jax.numpy as jnp
import optax

from ember.core.variable import Variable
from ember.optimizers import _ema
from ember.optimizers import _gradients

# warnings point past stateless_step and apply / stateless_apply
_WARNING_STACKLEVEL = 4


def stateless_step(optimizer, opt_values, grads, train_values):
    """Returns `(new_trainable_values, new_optimizer_values)`.

    With no variables at all (a model whose weights are all frozen) it
    changes nothing, not even the iteration count, as Keras' `apply`.
    """
    if not grads and not train_values:
        return list(train_values), list(opt_values)
    position = {id(v): i for i, v in enumerate(optimizer._variables)}

    def value_of(variable):
        return opt_values[position[id(variable)]]

    raw_iterations = value_of(optimizer._iterations)
    lr_value = None
    if isinstance(optimizer._learning_rate, Variable):
        lr_value = value_of(optimizer._learning_rate)
    learning_rate = optimizer._current_learning_rate(raw_iterations, lr_value)

    variables = optimizer._trainable_variables
    active = _gradients.present(grads, variables, _WARNING_STACKLEVEL)
    act_grads = [jnp.asarray(grads[i]) for i in active]
    params = [jnp.asarray(train_values[i]) for i in active]
    act_grads = _gradients.unscale(act_grads, optimizer.loss_scale_factor)

    accumulate = optimizer.gradient_accumulation_steps
    if accumulate:
        acc_vars = optimizer._slots["gradient_accumulator"]
        act_grads, new_acc, is_update = _gradients.accumulate(
            act_grads,
            [value_of(acc_vars[i]) for i in active],
            raw_iterations,
            accumulate,
        )
        step = raw_iterations // accumulate + 1
    else:
        step = raw_iterations + 1

    act_grads = _gradients.clip(
        act_grads,
        optimizer.clipnorm,
        optimizer.clipvalue,
        optimizer.global_clipnorm,
    )
    params = _gradients.decay_weights(
        params,
        [optimizer._use_weight_decay(variables[i]) for i in active],
        optimizer.weight_decay,
        learning_rate,
    )

    rule_slots = [s for group in optimizer._slot_spec() for s, _ in group]
    state = {
        "slots": {
            name: [value_of(optimizer._slots[name][i]) for i in active]
            for name in rule_slots
        },
        "extras": {key: value_of(v) for key, v in optimizer._extras.items()},
    }
    updates, state = optimizer.transform().update(
        act_grads, state, params, learning_rate=learning_rate, step=step
    )
    params = optax.apply_updates(params, updates)

    new_values = {}
    for name in rule_slots:
        for k, i in enumerate(active):
            variable = optimizer._slots[name][i]
            new_values[id(variable)] = state["slots"][name][k]
    for key, v in optimizer._extras.items():
        new_values[id(v)] = state["extras"][key]
    new_train = list(train_values)
    for k, i in enumerate(active):
        new_train[i] = params[k]
    new_opt = [
        new_values.get(id(v), old)
        for v, old in zip(optimizer._variables, opt_values, strict=True)
    ]

    if accumulate:
        new_train = _where(is_update, new_train, train_values)
        new_opt = _where(is_update, new_opt, opt_values)
        for k, i in enumerate(active):
            new_opt[position[id(acc_vars[i])]] = new_acc[k]
    if optimizer.use_ema:
        iterations = (
            raw_iterations // accumulate if accumulate else raw_iterations
        )
        new_train = _moving_average(
            optimizer, new_train, new_opt, position, iterations
        )
    # Keras applies the constraints last, on update and accumulation steps.
    constrained = _constrained(
        [new_train[i] for i in active], [variables[i] for i in active]
    )
    for k, i in enumerate(active):
        new_train[i] = constrained[k]
    it_pos = position[id(optimizer._iterations)]
    new_opt[it_pos] = opt_values[it_pos] + 1
    return _cast_like(new_train, train_values), _cast_like(new_opt, opt_values)


def _moving_average(optimizer, new_train, new_opt, position, iterations):
    """Updates the `_average` slots in `new_opt` (in place) from the new
    weights; returns the weights, overwritten by the averages on an
    overwrite step."""
    slots = optimizer._slots["average"]
    averages = _ema.update(
        [new_opt[position[id(v)]] for v in slots],
        new_train,
        iterations,
        optimizer.ema_momentum,
    )
    for variable, average in zip(slots, averages, strict=True):
        new_opt[position[id(variable)]] = average
    return _ema.overwrite(
        new_train, averages, iterations, optimizer.ema_overwrite_frequency
    )


def _constrained(params: list, variables: list) -> list:
    """Applies each variable's `constraint` (if any) to its new value."""
    out = []
    for p, variable in zip(params, variables, strict=True):
        constraint = getattr(variable, "constraint", None)
        out.append(p if constraint is None else constraint(p))
    return out


def _where(condition, new: list, old: list) -> list:
    return [jnp.where(condition, n, o) for n, o in zip(new, old, strict=True)]


def _cast_like(values: list, like: list) -> list:
    return [
        jnp.asarray(v).astype(jnp.asarray(old).dtype)
        for v, old in zip(values, like, strict=True)
    ]
