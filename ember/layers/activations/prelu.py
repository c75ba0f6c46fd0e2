"""PReLU: a leaky ReLU whose negative slopes are learned."""

from typing import Any

import jax

from ember import constraints
from ember import initializers
from ember import regularizers
from ember.core.ranks import lift
from ember.layers._config import resolve
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer


class PReLU(Layer):
    """Parametric ReLU: `x` if `x >= 0`, else `alpha * x`, `alpha` learned.

    `alpha` has one value per input position (all axes but the batch);
    `shared_axes` share one value along the axes given, e.g. `[1, 2]` for
    one slope per channel of `(batch, height, width, channels)` images.

    Args:
        alpha_initializer: initializer for `alpha` (default zeros).
        alpha_regularizer: optional penalty on `alpha`.
        alpha_constraint: optional projection applied to `alpha`.
        shared_axes: an int or a list of axes (counting the batch axis as 0)
            along which `alpha` is shared, or None.

    Input shape:
        Any.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.PReLU(alpha_initializer="ones")
    >>> layer(np.ones((2, 3))).shape
    (2, 3)
    """

    def __init__(
        self,
        alpha_initializer: Any = "Zeros",
        alpha_regularizer: Any = None,
        alpha_constraint: Any = None,
        shared_axes: int | list[int] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.alpha_initializer = resolve(
            initializers.get, alpha_initializer, self, "alpha_initializer"
        )
        self.alpha_regularizer = resolve(
            regularizers.get, alpha_regularizer, self, "alpha_regularizer"
        )
        self.alpha_constraint = resolve(
            constraints.get, alpha_constraint, self, "alpha_constraint"
        )
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, list | tuple):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]
        self.supports_masking = True

    def build(self, input_shape: tuple) -> None:
        """Creates `alpha`, of the input's shape without the batch axis and
        with 1 on the shared axes."""
        rank = len(input_shape)
        shared = [a % rank for a in self.shared_axes or []]
        if any(a == 0 for a in shared) or any(
            not -rank <= a < rank for a in self.shared_axes or []
        ):
            raise ValueError(
                f'PReLU "{self.name}": `shared_axes` must be axes 1 to '
                f"{rank - 1} of the input shape {tuple(input_shape)}. "
                f"Received: shared_axes={self.shared_axes}"
            )
        param_shape = [
            1 if axis in shared else input_shape[axis]
            for axis in range(1, rank)
        ]
        if None in param_shape:
            raise ValueError(
                f'PReLU "{self.name}": the axes that are not shared must have '
                f"known sizes, got shape {tuple(input_shape)}"
            )
        self.alpha = self.add_weight(
            name="alpha",
            shape=tuple(param_shape),
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        axes = {a: input_shape[a] for a in range(1, rank) if a not in shared}
        self.input_spec = InputSpec(ndim=rank, axes=axes)
        self.built = True

    def call(self, inputs):
        alpha = lift(self.alpha.value.astype(inputs.dtype), inputs.ndim)
        return jax.nn.relu(inputs) - alpha * jax.nn.relu(-inputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the constructor arguments, serialized."""
        config = super().get_config()
        config.update(
            {
                "alpha_initializer": initializers.serialize(
                    self.alpha_initializer
                ),
                "alpha_regularizer": regularizers.serialize(
                    self.alpha_regularizer
                ),
                "alpha_constraint": constraints.serialize(
                    self.alpha_constraint
                ),
                "shared_axes": self.shared_axes,
            }
        )
        return config
