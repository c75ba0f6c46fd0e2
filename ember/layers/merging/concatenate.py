"""Concatenate: joins a list of inputs along one axis."""

import jax.numpy as jnp

from ember.layers.merging.base_merge import Merge


class Concatenate(Merge):
    """Concatenates a list of inputs along `axis`.

    All inputs have the same shape except along `axis`.

    Args:
        axis: the axis to concatenate along (default the last one).
        **kwargs: the base layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of tensors of one rank, equal except along `axis`.

    Output shape:
        The common shape with the sizes along `axis` added up.

    Example:

    >>> x = np.arange(20).reshape(2, 2, 5)
    >>> y = np.arange(20, 30).reshape(2, 1, 5)
    >>> ember.layers.Concatenate(axis=1)([x, y]).shape
    (2, 3, 5)
    """

    def __init__(self, axis: int = -1, **kwargs):
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise ValueError(
                f"Argument `axis` must be an int. Received: axis={axis!r}"
            )
        super().__init__(**kwargs)
        self.axis = axis

    def compute_output_shape(self, input_shape) -> tuple:
        """The common shape, sizes along `axis` summed (None if unknown)."""
        shapes = self._check_list(input_shape)
        first = shapes[0]
        rank = len(first)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"{self._where()}: axis={self.axis} is out of range for "
                f"inputs of rank {rank}, got shape {first}"
            )
        axis = self.axis % rank
        for shape in shapes[1:]:
            compatible = len(shape) == rank and all(
                a is None or b is None or a == b
                for i, (a, b) in enumerate(zip(first, shape, strict=True))
                if i != axis
            )
            if not compatible:
                raise ValueError(
                    f"{self._where()} expects inputs with matching shapes "
                    f"except along the concatenation axis {self.axis}, got "
                    f"shapes {first} and {shape}"
                )
        out = list(first)
        for i in range(rank):
            if i == axis:
                sizes = [s[i] for s in shapes]
                out[i] = None if None in sizes else sum(sizes)
            elif out[i] is None:
                out[i] = next((s[i] for s in shapes if s[i] is not None), None)
        return tuple(out)

    def call(self, inputs, mask=None):
        if not isinstance(inputs, list | tuple):
            raise ValueError(
                f"{self._where()} should be called on a list of inputs. "
                f"Received: inputs={inputs!r}"
            )
        self.compute_output_shape([tuple(x.shape) for x in inputs])
        return jnp.concatenate(list(inputs), axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        """The input masks (all-true where absent), concatenated along
        `axis`, then reduced with `any` over the last axis."""
        if mask is None:
            return None
        self._check_masks(inputs, mask)
        if all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask, strict=True):
            if m is None:
                m = jnp.ones(x.shape, bool)
            else:
                m = jnp.asarray(m, bool)
                if m.ndim < x.ndim:
                    m = jnp.broadcast_to(jnp.expand_dims(m, -1), x.shape)
            masks.append(m)
        return jnp.any(jnp.concatenate(masks, axis=self.axis), axis=-1)

    def get_config(self) -> dict:
        """Returns the base config and `axis`."""
        config = super().get_config()
        config["axis"] = self.axis
        return config


def concatenate(inputs: list, axis: int = -1, **kwargs):
    """Functional interface to the `Concatenate` layer.

    Args:
        inputs: a list of tensors, equal in shape except along `axis`.
        axis: the axis to concatenate along.
        **kwargs: the layer's arguments (`name`, `dtype`, ...).

    Returns:
        A tensor, the concatenation of the inputs along `axis`.

    Example:

    >>> a = ember.Input(shape=(3,))
    >>> b = ember.Input(shape=(5,))
    >>> ember.layers.concatenate([a, b]).shape
    (None, 8)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
