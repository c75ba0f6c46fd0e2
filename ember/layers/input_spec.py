"""InputSpec: what a layer accepts, checked before each call."""

from typing import Any

from ember.core.symbolic import flatten


class InputSpec:
    """Describes the rank, dtype and dimensions a layer expects.

    Args:
        dtype: the expected dtype, or None for any.
        shape: the full expected shape (None for any dimension).
        ndim: the exact expected rank.
        max_ndim: the largest accepted rank.
        min_ndim: the smallest accepted rank.
        axes: `{axis: size}` for dimensions that must have a given size.
        allow_last_axis_squeeze: accept a missing trailing axis of size 1.
        name: the input's name, for dict inputs.
        optional: whether the input may be None.

    Example:

    >>> InputSpec(min_ndim=2, axes={-1: 64})
    InputSpec(min_ndim=2, axes={-1: 64})
    """

    def __init__(
        self,
        dtype: Any = None,
        shape: tuple | None = None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
        optional: bool = False,
    ):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def get_config(self) -> dict:
        """Returns the constructor arguments."""
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    def __repr__(self) -> str:
        fields = {k: v for k, v in self.get_config().items() if v}
        return f"InputSpec({', '.join(f'{k}={v}' for k, v in fields.items())})"


def _describe_axis(axis: int) -> str:
    return "last dimension" if axis == -1 else f"dimension {axis}"


def check_input_compatibility(specs, inputs, layer) -> None:
    """Raises a ValueError naming `layer` if `inputs` do not match `specs`."""
    if specs is None:
        return
    specs = specs if isinstance(specs, list | tuple) else [specs]
    if isinstance(inputs, dict):
        names = [spec.name for spec in specs]
        if all(names):
            inputs = [inputs.get(name) for name in names]
    tensors = [x for x in flatten(inputs) if hasattr(x, "shape")]
    where = f'{type(layer).__name__} "{layer.name}"'
    if len(tensors) != len(specs):
        raise ValueError(
            f"{where} expects {len(specs)} input(s), but it received "
            f"{len(tensors)} input tensors."
        )
    for index, (spec, x) in enumerate(zip(specs, tensors, strict=True)):
        if spec is None:
            continue
        shape = tuple(x.shape)
        rank = len(shape)
        prefix = where if len(specs) == 1 else f"{where} (input {index})"
        if spec.ndim is not None and not spec.allow_last_axis_squeeze:
            if rank != spec.ndim:
                raise ValueError(
                    f"{prefix} expected an input of rank {spec.ndim}, got "
                    f"rank {rank} with shape {shape}"
                )
        if spec.max_ndim is not None and rank > spec.max_ndim:
            raise ValueError(
                f"{prefix} expected an input of rank at most "
                f"{spec.max_ndim}, got rank {rank} with shape {shape}"
            )
        if spec.min_ndim is not None and rank < spec.min_ndim:
            raise ValueError(
                f"{prefix} expected an input of rank at least "
                f"{spec.min_ndim}, got rank {rank} with shape {shape}"
            )
        for axis, size in spec.axes.items():
            if size is None or not -rank <= axis < rank:
                continue
            if shape[axis] not in (size, None):
                raise ValueError(
                    f"{prefix} expected an input with {_describe_axis(axis)} "
                    f"{size}, got {shape}"
                )
        if spec.shape is not None:
            expected_shape, actual_shape = spec.shape, shape
            if spec.allow_last_axis_squeeze:
                # A trailing axis of size 1 on either side is not compared.
                if actual_shape[-1:] == (1,):
                    actual_shape = actual_shape[:-1]
                if expected_shape[-1:] == (1,):
                    expected_shape = expected_shape[:-1]
            for expected, actual in zip(
                expected_shape, actual_shape, strict=False
            ):
                if None not in (expected, actual) and expected != actual:
                    raise ValueError(
                        f"{prefix} expected an input of shape {spec.shape}, "
                        f"got {shape}"
                    )
