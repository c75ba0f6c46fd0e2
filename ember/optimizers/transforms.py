"""Keras' gradient arithmetic as optax transformations.

`Optimizer` chains these with `optax.chain` in Keras' order: undo the loss
scale, accumulate, clip, then the update rule. Where optax has a
transformation with Keras' numbers it is used as is (`optax.clip` for
`clipvalue` is `jnp.clip`, as Keras' `ops.clip`); the ones here exist
because optax's nearest one computes different float32 numbers:

- `unscale_gradients` divides by the factor; `optax.scale(1 / factor)`
  multiplies by a rounded reciprocal (off by one ulp for most factors).
- `clip_by_norm` clips each gradient to its own L2 norm; optax has no
  per-tensor norm clip (`clip_by_block_rms` divides by an RMS instead).
- `clip_by_global_norm` multiplies by `clipnorm * min(1 / norm, 1 /
  clipnorm)`; optax's divides by the norm, which differs by up to 2e-7
  (relative, float32) on about half the entries, and turns an infinite
  norm into zero gradients where Keras gives NaN.
- `accumulate_gradients` sums and divides the sum by the step count on
  the update step; `optax.MultiSteps` keeps a running mean (a different
  value in the `gradient_accumulator` variables Keras saves), counts in
  state variables Keras does not have, and zeroes skipped updates by
  multiplying them (an infinite update becomes NaN).
- `update_rule` runs an optimizer's per-variable Keras rule (Adam's
  epsilon is added to the uncorrected `sqrt(v)`, SGD's momentum holds
  `-lr * g` terms, ...), which optax's aliases place differently.
"""

from collections.abc import Callable

import jax.numpy as jnp
import optax

from ember.core import config


def unscale_gradients(
    loss_scale_factor: float,
) -> optax.GradientTransformation:
    """Divides the gradients by `loss_scale_factor` (undoes `scale_loss`).

    Args:
        loss_scale_factor: the factor the loss was multiplied by.

    Returns:
        A stateless `optax.GradientTransformation`.
    """

    def unscale(updates, params):
        del params
        return [g / loss_scale_factor for g in updates]

    return optax.stateless(unscale)


def is_update_step(iteration, steps: int):
    """Whether the call at `iteration` (0-based) ends an accumulation."""
    return (iteration + 1) % steps == 0


def accumulate_gradients(
    steps: int,
) -> optax.GradientTransformationExtraArgs:
    """Sums the gradients over `steps` calls; the last gets their mean.

    Its state is the list of sums (Keras' `gradient_accumulator`
    variables). `update` takes the keyword argument `iteration` (the
    0-based call count). On an update step it returns the mean of the
    summed gradients and restarts the sums from zero; otherwise it returns
    the gradients unchanged (the caller discards that step's update) and
    keeps the sums.

    Args:
        steps: the number of calls per update (>= 2).

    Returns:
        An `optax.GradientTransformationExtraArgs`.
    """

    def init_fn(params):
        return [jnp.zeros(jnp.shape(p), jnp.result_type(p)) for p in params]

    def update_fn(updates, state, params=None, *, iteration, **extra_args):
        del params, extra_args
        now = is_update_step(iteration, steps)
        summed = [g + a for g, a in zip(updates, state, strict=True)]
        updates = [
            jnp.where(now, s / steps, g)
            for s, g in zip(summed, updates, strict=True)
        ]
        state = [jnp.where(now, jnp.zeros_like(s), s) for s in summed]
        return updates, state

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)


def clip_by_norm(clipnorm: float) -> optax.GradientTransformation:
    """Scales each gradient down to L2 norm `clipnorm` if above it.

    Args:
        clipnorm: the largest norm of each gradient.

    Returns:
        A stateless `optax.GradientTransformation`.
    """

    def clip_one(grad):
        l2sum = jnp.sum(jnp.square(grad), keepdims=True)
        positive = l2sum > 0
        # Two `where`s keep the gradient of sqrt at 0 finite.
        safe = jnp.where(positive, l2sum, jnp.ones_like(l2sum))
        l2norm = jnp.where(positive, jnp.sqrt(safe), l2sum)
        return grad * clipnorm / jnp.maximum(l2norm, clipnorm)

    def clip(updates, params):
        del params
        return [clip_one(g) for g in updates]

    return optax.stateless(clip)


def clip_by_global_norm(clipnorm: float) -> optax.GradientTransformation:
    """Scales all gradients together down to joint L2 norm `clipnorm`.

    A NaN or infinite joint norm makes every gradient NaN, as in Keras.

    Args:
        clipnorm: the largest joint norm.

    Returns:
        A stateless `optax.GradientTransformation`.
    """

    def clip(updates, params):
        del params
        squares = jnp.stack([jnp.sum(jnp.square(g)) for g in updates])
        norm = jnp.sqrt(jnp.sum(squares))
        scale = clipnorm * jnp.minimum(1.0 / norm, 1.0 / clipnorm)
        # A finite norm adds 0; NaN or inf propagates into the scale.
        scale = scale + (norm - norm)
        return [g * scale for g in updates]

    return optax.stateless(clip)


def update_rule(
    slot_spec: list,
    extra_spec: Callable,
    update_one: Callable,
    update_extras: Callable,
) -> optax.GradientTransformationExtraArgs:
    """An optimizer's per-variable update rule as an optax transformation.

    Args:
        slot_spec: `(slot_name, initial_value)` pairs, one per slot.
        extra_spec: called with the parameters, returns `(key,
            variable_name, initial_value, dtype)` of the extra scalars.
        update_one: `(grad, param, slots, lr, step, extras) -> (update,
            new_slots)`, called per variable.
        update_extras: `(extras, step, dtype) -> extras`, called once per
            step before `update_one`.

    Returns:
        A transformation whose state is `{"slots": {name: [array per
        variable]}, "extras": {key: scalar}}` and whose `update` takes the
        keyword arguments `learning_rate` and `step` (the 1-based update
        number) and returns additive updates.
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
        params = list(params)
        dtype = params[0].dtype if params else config.floatx()
        extras = update_extras(dict(state["extras"]), step, dtype)
        new_slots = {name: [] for name in state["slots"]}
        out = []
        for i, (grad, param) in enumerate(zip(updates, params, strict=True)):
            slots = {name: v[i] for name, v in state["slots"].items()}
            lr = jnp.asarray(learning_rate).astype(param.dtype)
            grad = jnp.asarray(grad).astype(param.dtype)
            update, slots = update_one(grad, param, slots, lr, step, extras)
            out.append(update)
            for name in new_slots:
                new_slots[name].append(slots[name])
        return out, {"slots": new_slots, "extras": extras}

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)
