"""`LossScaleOptimizer`: dynamic loss scaling around another optimizer.

Its variables are Keras 3's: its own `iteration` and `learning_rate`
(which never change), `step_counter` and `dynamic_scale`, then the inner
optimizer's. One step is pure, like every ember optimizer's: the
gradients are divided by the scale and given to the inner optimizer, and
a step whose gradients are not all finite is dropped inside the compiled
program (`jnp.where` on one all-finite flag, no host round trip), so the
weights, the inner optimizer's variables and its iteration count stay as
they were.
"""

import numbers

import jax.numpy as jnp

from ember.core.checks import is_integer
from ember.optimizers.optimizer import Optimizer

# Base optimizer arguments a `LossScaleOptimizer` config may carry (Keras
# once wrote them), accepted only at their default values.
_BASE_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


class LossScaleOptimizer(Optimizer):
    """An optimizer that scales the loss dynamically to avoid underflow.

    In float16, small gradients round to zero. Multiplying the loss by a
    large "loss scale" multiplies every intermediate gradient by it too,
    keeping them representable; the final gradients are divided by the
    scale before the wrapped optimizer uses them. The scale adapts:

    - a step whose gradients contain an inf or NaN is skipped (the weights
      and the inner optimizer's state and iterations stay unchanged) and
      the scale is halved;
    - after `dynamic_growth_steps` finite steps in a row, the scale is
      doubled.

    `compile` wraps the optimizer in one automatically when the model's
    dtype policy is `"mixed_float16"` (unless `auto_scale_loss=False`).
    A custom `train_step` multiplies its loss with `scale_loss` before
    taking gradients.

    Args:
        inner_optimizer: the `ember.optimizers.Optimizer` to wrap. Its own
            `loss_scale_factor` is cleared, so gradients are not unscaled
            twice.
        initial_scale: the starting loss scale, a number > 0. A high value
            is best: a scale too high falls quickly, one too low rises
            slowly.
        dynamic_growth_steps: how many finite steps in a row double the
            scale (an int >= 1).
        name: the name, used as the scope of the variables.
        **kwargs: only for configs written by older Keras versions: the
            base optimizer arguments at their default values.

    Example:

    >>> opt = LossScaleOptimizer(ember.optimizers.SGD(0.1), initial_scale=8.0)
    >>> float(opt.scale_loss(2.0))
    16.0
    """

    def __init__(
        self,
        inner_optimizer: Optimizer,
        initial_scale: float = 2.0**15,
        dynamic_growth_steps: int = 2000,
        name: str | None = None,
        **kwargs,
    ):
        _check_arguments(inner_optimizer, initial_scale, dynamic_growth_steps)
        _check_kwargs(kwargs)
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        inner_optimizer.loss_scale_factor = None

    def build(self, var_list) -> None:
        """Creates `step_counter` and `dynamic_scale`, and builds the
        inner optimizer on `var_list` (once)."""
        if self.built:
            return
        var_list = list(var_list)
        inner = self.inner_optimizer
        if inner.built and [id(v) for v in inner._trainable_variables] != [
            id(v) for v in var_list
        ]:
            raise ValueError(
                f"LossScaleOptimizer {self.name!r}: its inner optimizer "
                f"{inner.name!r} was already built on other variables "
                f"({len(inner._trainable_variables)} of them); wrap an "
                "optimizer that is not built yet, or build both on the same "
                f"variables. Received {len(var_list)} variables."
            )
        self._trainable_variables = var_list[:]
        self._trainable_index = {id(v): i for i, v in enumerate(var_list)}
        self.step_counter = self._new_variable(0, "int32", "step_counter")
        self.dynamic_scale = self._new_variable(
            float(self.initial_scale), "float32", "dynamic_scale"
        )
        self.inner_optimizer.build(var_list)
        self.built = True

    @property
    def variables(self) -> list:
        """This optimizer's four variables, then the inner optimizer's."""
        return self._variables + self.inner_optimizer.variables

    @property
    def learning_rate(self):
        """The inner optimizer's learning rate (setting it sets that)."""
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate) -> None:
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self):
        """The inner optimizer's `iterations`: skipped steps do not count."""
        return self.inner_optimizer.iterations

    def scale_loss(self, loss):
        """Multiplies `loss` by the current scale (`initial_scale` before
        the optimizer is built).

        Inside a step, call it where the optimizer's variables are mapped
        to the step's values (ember's train steps do): the scale is read
        from them.
        """
        scale = self.dynamic_scale.value if self.built else self.initial_scale
        return jnp.multiply(loss, scale)

    def check_finite(self, grads):
        """Whether every gradient (None ones aside) is finite: a scalar."""
        flags = [jnp.all(jnp.isfinite(g)) for g in grads if g is not None]
        return jnp.all(jnp.asarray(flags)) if flags else jnp.asarray(True)

    def _step(self, opt_values, grads, train_values):
        """One step on value lists: the inner optimizer's step on the
        unscaled gradients where they are all finite, else no change but
        the scale's."""
        if not grads and not train_values:
            return list(train_values), list(opt_values)
        count = len(self._variables)
        own, inner = list(opt_values[:count]), list(opt_values[count:])
        position = {id(v): i for i, v in enumerate(self._variables)}
        scale = own[position[id(self.dynamic_scale)]]
        counter = own[position[id(self.step_counter)]]
        finite = self.check_finite(grads)
        unscaled = [
            None if g is None else jnp.asarray(g) / scale for g in grads
        ]
        new_train, new_inner = self.inner_optimizer._step(
            inner, unscaled, list(train_values)
        )
        new_train = _where(finite, new_train, train_values)
        new_inner = _where(finite, new_inner, inner)
        grow = finite & jnp.equal(counter, self.dynamic_growth_steps - 1)
        new_scale = jnp.where(
            finite, jnp.where(grow, scale * 2.0, scale), scale * 0.5
        )
        new_counter = jnp.where(finite & ~grow, counter + 1, 0)
        own[position[id(self.dynamic_scale)]] = new_scale.astype(
            jnp.asarray(scale).dtype
        )
        own[position[id(self.step_counter)]] = new_counter.astype(
            jnp.asarray(counter).dtype
        )
        return new_train, own + new_inner

    def finalize_variable_values(self, var_list) -> None:
        """The inner optimizer's `finalize_variable_values`."""
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self) -> dict:
        """Keras' config: the name, the inner optimizer's serialized
        config and the two scaling arguments."""
        from ember import optimizers

        return {
            "name": self.name,
            "inner_optimizer": optimizers.serialize(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(
        cls, config: dict, custom_objects=None
    ) -> "LossScaleOptimizer":
        """Creates the optimizer from `get_config()`'s (or Keras') output."""
        from ember import optimizers

        config = dict(config)
        inner = config.pop("inner_optimizer", None)
        if isinstance(inner, dict):
            inner = optimizers.deserialize(inner, custom_objects=custom_objects)
        return cls(inner, **config)


def _check_arguments(inner_optimizer, initial_scale, dynamic_growth_steps):
    """Raises on a wrong inner optimizer, scale or growth interval."""
    if not isinstance(inner_optimizer, Optimizer):
        raise TypeError(
            "LossScaleOptimizer: expected `inner_optimizer` to be an "
            "`ember.optimizers.Optimizer` instance. Received: "
            f"inner_optimizer={inner_optimizer!r}"
        )
    if (
        isinstance(initial_scale, bool)
        or not isinstance(initial_scale, numbers.Real)
        or not 0 < initial_scale < float("inf")
    ):
        raise ValueError(
            "LossScaleOptimizer: expected `initial_scale` to be a finite "
            f"number > 0. Received: initial_scale={initial_scale!r}"
        )
    if not is_integer(dynamic_growth_steps) or dynamic_growth_steps < 1:
        raise ValueError(
            "LossScaleOptimizer: expected `dynamic_growth_steps` to be an "
            "integer >= 1. Received: "
            f"dynamic_growth_steps={dynamic_growth_steps!r}"
        )


def _check_kwargs(kwargs: dict) -> None:
    """Accepts the base optimizer arguments at their defaults (old configs)
    and `dynamic=True`; raises on anything else."""
    if not kwargs.pop("dynamic", True):
        raise ValueError(
            "LossScaleOptimizer: `dynamic=False` is not supported. For a "
            "fixed loss scale, set `loss_scale_factor` on the optimizer "
            "itself instead of wrapping it."
        )
    for argument, default in _BASE_DEFAULTS.items():
        if argument not in kwargs:
            continue
        value = kwargs.pop(argument)
        if value is not default and value != default:
            raise ValueError(
                f"LossScaleOptimizer: `{argument}` is not supported here; "
                "set it on the `inner_optimizer`. Received: "
                f"{argument}={value!r}"
            )
    if kwargs:
        raise ValueError(
            "LossScaleOptimizer: unknown argument(s) "
            f"{', '.join(f'`{k}`' for k in kwargs)}. Received: {kwargs}"
        )


def _where(condition, new: list, old: list) -> list:
    return [
        jnp.where(condition, n, jnp.asarray(o))
        for n, o in zip(new, old, strict=True)
    ]


__all__ = ["LossScaleOptimizer"]
