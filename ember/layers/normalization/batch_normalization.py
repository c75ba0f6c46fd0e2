"""BatchNormalization: normalizes with batch statistics, keeps moving ones."""

from typing import Any

import jax
import jax.numpy as jnp

from ember import constraints
from ember import initializers
from ember import regularizers
from ember.core import config as ember_config
from ember.layers._config import resolve
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer
from ember.layers.normalization._axes import positive_axes

_RENORM_KEYS = ("rmax", "rmin", "dmax")


class BatchNormalization(Layer):
    """Normalizes its input to mean 0 and variance 1 along `axis`.

    In training (`training=True`, as in `fit`) the layer normalizes with the
    mean and variance of the current batch and moves its non-trainable
    `moving_mean` and `moving_variance` towards them:
    `moving = moving * momentum + batch_statistic * (1 - momentum)`.
    In inference it normalizes with the moving statistics. The output is
    `gamma * (inputs - mean) / sqrt(variance + epsilon) + beta`.

    A layer with `trainable=False` always runs in inference mode and leaves
    its moving statistics alone (as in Keras 3, for fine-tuning).

    Under `stateless_call` the updated moving statistics come back among the
    new non-trainable values, which is how `fit` keeps them.

    Args:
        axis: the features axis (usually the channels), an int.
        momentum: the momentum of the moving statistics.
        epsilon: a small float added to the variance.
        center: whether to add the learned offset `beta`.
        scale: whether to multiply by the learned scale `gamma`.
        beta_initializer: initializer for `beta`.
        gamma_initializer: initializer for `gamma`.
        moving_mean_initializer: initializer for the moving mean.
        moving_variance_initializer: initializer for the moving variance.
        beta_regularizer: optional penalty on `beta`.
        gamma_regularizer: optional penalty on `gamma`.
        beta_constraint: optional projection applied to `beta`.
        gamma_constraint: optional projection applied to `gamma`.
        renorm: whether to use batch renormalization (extra non-trainable
            `moving_stddev`, `renorm_mean` and `renorm_stddev`).
        renorm_clipping: with `renorm`, a dict with optional keys `"rmax"`,
            `"rmin"` and `"dmax"` bounding the corrections.
        renorm_momentum: the momentum of the renorm statistics.
        synchronized: only supported by the TensorFlow backend of Keras;
            must be False.

    Input shape:
        Any; `axis` must be within the input's rank.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.BatchNormalization()
    >>> layer(np.ones((4, 3)), training=True).shape
    (4, 3)
    """

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        renorm: bool = False,
        renorm_clipping: dict | None = None,
        renorm_momentum: float = 0.99,
        synchronized: bool = False,
        **kwargs,
    ):
        if synchronized:
            raise ValueError(
                "Argument synchronized=True is only supported with the "
                "TensorFlow backend; ember runs on JAX."
            )
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(
                "BatchNormalization: expected an int for the argument "
                f"`axis`. Received: axis={axis!r}"
            )
        if renorm:
            renorm_clipping = _check_renorm_clipping(renorm_clipping or {})
        super().__init__(**kwargs)
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.synchronized = synchronized
        for arg, value in (
            ("beta_initializer", beta_initializer),
            ("gamma_initializer", gamma_initializer),
            ("moving_mean_initializer", moving_mean_initializer),
            ("moving_variance_initializer", moving_variance_initializer),
        ):
            setattr(self, arg, resolve(initializers.get, value, self, arg))
        for arg, value in (
            ("beta_regularizer", beta_regularizer),
            ("gamma_regularizer", gamma_regularizer),
        ):
            setattr(self, arg, resolve(regularizers.get, value, self, arg))
        self.beta_constraint = resolve(
            constraints.get, beta_constraint, self, "beta_constraint"
        )
        self.gamma_constraint = resolve(
            constraints.get, gamma_constraint, self, "gamma_constraint"
        )
        self.renorm = renorm
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.supports_masking = True
        self.gamma = None
        self.beta = None
        self.moving_mean = None
        self.moving_variance = None

    def build(self, input_shape: tuple) -> None:
        """Creates `gamma`, `beta`, then the moving statistics, as Keras."""
        (axis,) = positive_axes(self, self.axis, input_shape)
        dim = input_shape[axis]
        if dim is None:
            raise ValueError(
                f'BatchNormalization "{self.name}": axis {self.axis} of the '
                f"input must have a known size, got shape "
                f"{tuple(input_shape)}"
            )
        shape = (dim,)
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                autocast=False,
            )
        if self.center:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                autocast=False,
            )
        self.moving_mean = self._statistic("moving_mean", shape)
        self.moving_variance = self._statistic("moving_variance", shape)
        if self.renorm:
            self.moving_stddev = self._statistic("moving_stddev", shape)
            self.renorm_mean = self._statistic("renorm_mean", shape)
            self.renorm_stddev = self._statistic("renorm_stddev", shape)
        self.input_spec = InputSpec(
            ndim=len(input_shape), axes={self.axis: dim}
        )
        self.built = True

    def _statistic(self, name: str, shape: tuple):
        """A non-trainable statistic; the renorm ones start from the moving
        ones (standard deviations from the variance's initializer)."""
        variance_init = self.moving_variance_initializer

        def stddev_init(shape, dtype=None):
            return jnp.sqrt(variance_init(shape, dtype=dtype))

        initializer = {
            "moving_mean": self.moving_mean_initializer,
            "moving_variance": variance_init,
            "moving_stddev": stddev_init,
            "renorm_mean": self.moving_mean_initializer,
            "renorm_stddev": stddev_init,
        }[name]
        return self.add_weight(
            name=name,
            shape=shape,
            initializer=initializer,
            trainable=False,
            autocast=False,
        )

    def call(self, inputs, training=None, mask=None):
        if mask is not None and mask.ndim != inputs.ndim - 1:
            raise ValueError(
                f'BatchNormalization "{self.name}": the mask must have one '
                f"dimension less than the inputs. Received: mask.shape="
                f"{tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}"
            )
        dtype = jnp.result_type(inputs.dtype, "float32")
        x = inputs.astype(dtype)
        axis = self.axis % x.ndim
        reduction = tuple(a for a in range(x.ndim) if a != axis)
        gamma = None if self.gamma is None else self.gamma.value.astype(dtype)
        beta = None if self.beta is None else self.beta.value.astype(dtype)
        if training and self.trainable:
            mean, variance = _moments(x, reduction, mask)
            if self.renorm:
                gamma, beta = self._renorm_transform(
                    mean, variance, gamma, beta
                )
                self._update_renorm_statistics(mean, variance)
            else:
                self._move(self.moving_mean, mean, self.momentum)
                self._move(self.moving_variance, variance, self.momentum)
        else:
            mean = self.moving_mean.value.astype(dtype)
            variance = self.moving_variance.value.astype(dtype)
        shape = [1] * x.ndim
        shape[axis] = x.shape[axis]
        inv = jax.lax.rsqrt(variance.reshape(shape) + self.epsilon)
        if gamma is not None:
            inv = inv * gamma.reshape(shape)
        offset = -mean.reshape(shape) * inv
        if beta is not None:
            offset = offset + beta.reshape(shape)
        return (x * inv + offset).astype(self.compute_dtype)

    @staticmethod
    def _move(variable, value, momentum: float) -> None:
        old = variable.value.astype(value.dtype)
        variable.assign(old * momentum + value * (1.0 - momentum))

    def _renorm_transform(self, mean, variance, gamma, beta):
        """Folds the renorm corrections `r`, `d` into `gamma` and `beta`."""
        stddev = jnp.sqrt(variance + self.epsilon)
        renorm_stddev = jnp.maximum(
            self.renorm_stddev.value.astype(mean.dtype),
            jnp.sqrt(jnp.asarray(self.epsilon, mean.dtype)),
        )
        r = stddev / renorm_stddev
        d = (mean - self.renorm_mean.value.astype(mean.dtype)) / renorm_stddev
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = jnp.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = jnp.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = jnp.clip(d, -clip["dmax"], clip["dmax"])
        r = jax.lax.stop_gradient(r)
        d = jax.lax.stop_gradient(d)
        if gamma is None:
            new_gamma, new_beta = r, d
        else:
            new_gamma, new_beta = r * gamma, d * gamma
        if beta is not None:
            new_beta = new_beta + beta
        return new_gamma, new_beta

    def _update_renorm_statistics(self, mean, variance) -> None:
        stddev = jnp.sqrt(variance + self.epsilon)
        self._move(self.renorm_mean, mean, self.renorm_momentum)
        self._move(self.renorm_stddev, stddev, self.renorm_momentum)
        self._move(self.moving_mean, mean, self.momentum)
        old = self.moving_stddev.value.astype(stddev.dtype)
        new_stddev = old * self.momentum + stddev * (1.0 - self.momentum)
        self.moving_stddev.assign(new_stddev)
        self.moving_variance.assign(
            jax.nn.relu(new_stddev * new_stddev - self.epsilon)
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged (after checking `axis` against it)."""
        positive_axes(self, self.axis, input_shape)
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the constructor arguments, serialized."""
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
            }
        )
        for name in (
            "beta_initializer",
            "gamma_initializer",
            "moving_mean_initializer",
            "moving_variance_initializer",
        ):
            config[name] = initializers.serialize(getattr(self, name))
        for name in ("beta_regularizer", "gamma_regularizer"):
            config[name] = regularizers.serialize(getattr(self, name))
        config.update(
            {
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(
                    self.gamma_constraint
                ),
                "synchronized": self.synchronized,
                "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum,
            }
        )
        return config


def _moments(x, reduction: tuple, mask):
    """Mean and variance over `reduction`, counting only unmasked steps."""
    if mask is None:
        return jnp.mean(x, axis=reduction), jnp.var(x, axis=reduction)
    keep = jnp.broadcast_to(jnp.expand_dims(mask, -1), x.shape).astype(bool)
    weight = jnp.sum(keep.astype(x.dtype), axis=reduction, keepdims=True)
    denominator = weight + ember_config.epsilon()
    total = jnp.sum(jnp.where(keep, x, 0), axis=reduction, keepdims=True)
    mean = total / denominator
    squares = jnp.square(jnp.where(keep, x - mean, 0))
    variance = jnp.sum(squares, axis=reduction, keepdims=True) / denominator
    return mean.reshape(-1), variance.reshape(-1)


def _check_renorm_clipping(clipping: dict) -> dict:
    unknown = set(clipping) - set(_RENORM_KEYS)
    if unknown:
        raise ValueError(
            "Received invalid keys for `renorm_clipping` argument: "
            f"{clipping}. Supported values: {list(_RENORM_KEYS)}."
        )
    rmax, rmin, dmax = (clipping.get(k) for k in _RENORM_KEYS)
    if rmax is not None and rmin is not None and rmax < rmin:
        raise ValueError(
            "rmax should be greater than rmin in the `renorm_clipping` "
            f"argument. Received: rmax={rmax}, rmin={rmin}."
        )
    if dmax is not None and dmax < 0:
        raise ValueError(
            "dmax should be non-negative in the `renorm_clipping` argument. "
            f"Received: dmax={dmax}."
        )
    return clipping
