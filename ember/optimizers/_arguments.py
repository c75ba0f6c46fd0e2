"""Argument checks of `Optimizer`, with Keras' messages.

The constructor, `apply` and `stateless_apply` run them before they change
any variable.
"""

import numbers
import warnings


def check_kwargs(kwargs: dict) -> None:
    """Warns about (and drops) the retired `decay`; raises on the rest."""
    if kwargs.pop("decay", None) is not None:
        warnings.warn(
            "Argument `decay` is no longer supported and will be ignored.",
            # points at the caller of Optimizer.__init__
            stacklevel=3,
        )
    if kwargs:
        raise ValueError(f"Argument(s) not recognized: {kwargs}")


def check_options(
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
        gradient_accumulation_steps >= 2
    ):
        raise ValueError(
            "`gradient_accumulation_steps` must be an integer >= 2. "
            "Received: gradient_accumulation_steps="
            f"{gradient_accumulation_steps}"
        )
    if use_ema:
        if not 0 <= ema_momentum <= 1:
            raise ValueError(
                "`ema_momentum` must be in the range [0, 1]. "
                f"Received: ema_momentum={ema_momentum}"
            )
        frequency = ema_overwrite_frequency
        if frequency is not None and (
            isinstance(frequency, bool)
            or not isinstance(frequency, numbers.Integral)
            or frequency < 1
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


def check_built_for(optimizer, grads: list) -> None:
    """Raises unless `optimizer` is built on one variable per gradient."""
    if not optimizer.built:
        raise ValueError(
            "When passing `grads` without `variables`, the optimizer "
            "must already be built on a list of variables. Call "
            "`optimizer.build(trainable_variables)` first."
        )
    if len(grads) != len(optimizer._trainable_variables):
        raise ValueError(
            f"Received {len(grads)} gradients, but the optimizer is "
            f"tracking {len(optimizer._trainable_variables)} trainable "
            "variables."
        )


def check_known(optimizer, trainable_variables: list) -> None:
    """Raises unless `optimizer` was built with every one of the variables."""
    for v in trainable_variables:
        if id(v) not in optimizer._trainable_index:
            raise ValueError(
                f"Unknown variable: {getattr(v, 'path', v)}. This "
                "optimizer can only be called for the variables it "
                "was originally built with."
            )


def check_stateless(
    optimizer, optimizer_variables, trainable_variables
) -> None:
    """Raises unless `stateless_apply`'s value lists fit the optimizer."""
    name = type(optimizer).__name__
    if not optimizer.built:
        raise ValueError(
            f"To call `stateless_apply`, {name} must be "
            "built (i.e. its variables must have been created). You can "
            "build it via `optimizer.build(trainable_variables)`."
        )
    if len(optimizer_variables) != len(optimizer._variables):
        raise ValueError(
            "Argument `optimizer_variables` must be a list of tensors "
            f"corresponding 1:1 to {name}().variables. "
            f"Received list with length {len(optimizer_variables)}, but "
            f"expected {len(optimizer._variables)} variables."
        )
    if len(trainable_variables) != len(optimizer._trainable_variables):
        raise ValueError(
            "Argument `trainable_variables` must correspond 1:1 to the "
            "variables the optimizer was built with. Received "
            f"{len(trainable_variables)} values for "
            f"{len(optimizer._trainable_variables)} variables."
        )
