"""The gradient pipeline of `Optimizer`, as pure functions on array lists.

The optimizer's step runs them in Keras' order before its update rule:
drop missing gradients, undo loss scaling, accumulate, clip, then decay
the weights.
"""

import warnings

import jax.numpy as jnp


def present(grads: list, variables: list, stacklevel: int) -> list[int]:
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


def unscale(grads: list, loss_scale_factor) -> list:
    """Divides the gradients by the loss scale factor, when one is set."""
    if loss_scale_factor is None:
        return grads
    return [g / loss_scale_factor for g in grads]


def accumulate(grads: list, accumulators: list, raw_iterations, steps: int):
    """Adds `grads` to the accumulators; every `steps`-th step releases them.

    Returns:
        `(grads, new_accumulators, is_update)`: on an update step the
        gradients are the accumulated mean and the accumulators restart
        from zero; otherwise the gradients pass through (their update is
        discarded by the caller) and the accumulators keep the sum.
    """
    is_update = (raw_iterations + 1) % steps == 0
    summed = [g + a for g, a in zip(grads, accumulators, strict=True)]
    grads = [
        jnp.where(is_update, s / steps, g)
        for s, g in zip(summed, grads, strict=True)
    ]
    new_accumulators = [
        jnp.where(is_update, jnp.zeros_like(s), s) for s in summed
    ]
    return grads, new_accumulators, is_update


def clip(grads: list, clipnorm, clipvalue, global_clipnorm) -> list:
    """Clips by norm per gradient, by joint norm, or by value (one of)."""
    if clipnorm and clipnorm > 0:
        return [_clip_by_norm(g, clipnorm) for g in grads]
    if global_clipnorm and global_clipnorm > 0:
        return _clip_by_global_norm(grads, global_clipnorm)
    if clipvalue and clipvalue > 0:
        return [jnp.clip(g, -clipvalue, clipvalue) for g in grads]
    return grads


def decay_weights(
    params: list, decayed: list[bool], weight_decay, learning_rate
) -> list:
    """`param - param * weight_decay * learning_rate` where `decayed`."""
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
