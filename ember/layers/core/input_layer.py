"""InputLayer and `Input`: the entry points of a functional graph."""

from typing import Any

from ember.core import naming
from ember.core.symbolic import Node
from ember.core.symbolic import SymbolicTensor
from ember.layers.layer import Layer


def _check_shape(shape: Any, what: str, layer_name: str) -> tuple:
    if isinstance(shape, int):
        raise ValueError(
            f'Input "{layer_name}": `{what}` must be a tuple such as '
            f"({shape},), got the int {shape!r}."
        )
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(
            f'Input "{layer_name}": `{what}` must be a tuple of positive '
            f"ints or None, got {shape!r}."
        ) from None
    for dim in dims:
        valid = dim is None or (
            isinstance(dim, int) and not isinstance(dim, bool) and dim > 0
        )
        if not valid:
            raise ValueError(
                f'Input "{layer_name}": `{what}` must be a tuple of positive '
                f"ints or None, got {dim!r} in {what}={dims}."
            )
    return dims


class InputLayer(Layer):
    """The layer behind `Input`: it holds the graph's entry tensor.

    Args:
        shape: the shape of one sample, without the batch dimension.
        batch_size: an optional fixed batch size.
        dtype: the input's dtype (default `config.floatx()`).
        sparse: accepted for Keras compatibility; must be falsy.
        batch_shape: the full shape, batch included (instead of `shape`).
        name: the layer's name.
    """

    def __init__(
        self,
        shape: tuple | None = None,
        batch_size: int | None = None,
        dtype: Any = None,
        sparse: bool | None = None,
        batch_shape: tuple | None = None,
        input_tensor: Any = None,
        optional: bool = False,
        name: str | None = None,
        **kwargs,
    ):
        name = name or naming.uniquify("input_layer")
        # Older configs spell it `batch_input_shape`.
        batch_shape = batch_shape or kwargs.pop("batch_input_shape", None)
        kwargs.pop("ragged", None)
        super().__init__(name=name, dtype=dtype, **kwargs)
        if sparse:
            raise ValueError(
                f'Input "{name}": sparse inputs are not supported by ember.'
            )
        if shape is not None and batch_shape is not None:
            raise ValueError(
                f'Input "{name}": pass `shape` or `batch_shape`, not both. '
                f"Received: shape={shape}, batch_shape={batch_shape}"
            )
        if batch_shape is None:
            if shape is None:
                if input_tensor is None:
                    raise ValueError(
                        f'Input "{name}": a `shape` (or `batch_shape`) is '
                        "required, e.g. Input(shape=(28, 28, 1))."
                    )
                batch_shape = input_tensor.shape
            else:
                shape = _check_shape(shape, "shape", name)
                batch_shape = (batch_size,) + shape
        batch_shape = _check_shape(batch_shape, "batch_shape", name)
        self.batch_shape = batch_shape
        self.sparse = False
        self.optional = optional
        self.built = True
        tensor = SymbolicTensor(batch_shape, dtype=self.dtype, name=name)
        Node(self, outputs=tensor)

    def call(self):
        raise ValueError(f'InputLayer "{self.name}" cannot be called.')

    def get_config(self) -> dict:
        """Returns the constructor arguments."""
        return {
            "batch_shape": self.batch_shape,
            "dtype": self.dtype,
            "sparse": False,
            "ragged": False,
            "name": self.name,
            "optional": self.optional,
        }


def Input(
    shape: tuple | None = None,
    batch_size: int | None = None,
    dtype: Any = None,
    sparse: bool | None = None,
    batch_shape: tuple | None = None,
    name: str | None = None,
    tensor: Any = None,
    optional: bool = False,
) -> SymbolicTensor:
    """Starts a functional model: returns a symbolic input tensor.

    Args:
        shape: the shape of one sample, without the batch dimension, e.g.
            `(28, 28, 1)`. Use None for unknown dimensions.
        batch_size: an optional fixed batch size.
        dtype: the dtype of the data (default `config.floatx()`).
        sparse: accepted for Keras compatibility; must be falsy.
        batch_shape: the full shape, batch included (instead of `shape`).
        name: the input's name (used to match dict inputs).
        tensor: an existing symbolic tensor to take the shape from.
        optional: whether the input may be None.

    Returns:
        A `SymbolicTensor` of shape `(batch_size,) + shape`.

    Example:

    >>> inputs = ember.Input(shape=(10,))
    >>> inputs.shape
    (None, 10)
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        input_tensor=tensor,
        optional=optional,
        name=name,
    )
    return layer.output
