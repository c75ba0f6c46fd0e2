"""An optimizer's per-variable update rule as an optax transformation."""

from collections.abc import Callable

import jax.numpy as jnp
import optax

from ember.core import config


def rule_transform(
    slot_spec: list,
    extra_spec: Callable,
    update_one: Callable,
    update_extras: Callable,
) -> optax.GradientTransformationExtraArgs:
    """Builds the transformation of `Optimizer.transform`.

    Args:
        slot_spec: `(slot_name, initial_value)` pairs, one per slot.
        extra_spec: `Optimizer._extra_spec`, called with the parameters.
        update_one: `Optimizer._update_one`, called per variable.
        update_extras: `Optimizer._update_extras`, called once per step.

    Returns:
        A transformation whose state is `{"slots": {name: [array per
        variable]}, "extras": {...}}` and whose `update` takes the keyword
        arguments `learning_rate` and `step`.
    """

    def init_fn(params):
        params = list(params)
        slots = {
            name: [
                jnp.full(jnp.shape(p), init, jnp.result_type(p)) for p in params
            ]
            for name, init in slot_spec
        }
        extras = {
            key: jnp.asarray(init, dtype)
            for key, _, init, dtype in extra_spec(params)
        }
        return {"slots": slots, "extras": extras}

    def update_fn(
        updates, state, params=None, *, learning_rate, step, **extra_args
    ):
        del extra_args
        grads = list(updates)
        params = list(params)
        dtype = params[0].dtype if params else config.floatx()
        extras = update_extras(dict(state["extras"]), step, dtype)
        new_slots = {name: [] for name in state["slots"]}
        out = []
        for i, (grad, param) in enumerate(zip(grads, params, strict=True)):
            slots = {name: v[i] for name, v in state["slots"].items()}
            lr = jnp.asarray(learning_rate).astype(param.dtype)
            grad = jnp.asarray(grad).astype(param.dtype)
            update, slots = update_one(grad, param, slots, lr, step, extras)
            out.append(update)
            for name in new_slots:
                new_slots[name].append(slots[name])
        return out, {"slots": new_slots, "extras": extras}

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)
