"""TensorLayout: how one tensor is split over a mesh; distribute_tensor."""

from collections.abc import Sequence
from typing import Any

import jax

from ember.core.symbolic import SymbolicTensor
from ember.distribution.device_mesh import DeviceMesh


class TensorLayout:
    """Which mesh axis, if any, splits each dimension of a tensor.

    `TensorLayout((None, "model"), mesh)` keeps the rows whole and splits
    the columns over the mesh's `"model"` axis. It is
    `jax.sharding.NamedSharding` under another name; the mesh may be set
    later (a `LayoutMap` sets its own).

    Args:
        axes: one entry per dimension: a mesh axis name, or None for a
            dimension that is not split.
        device_mesh: the `DeviceMesh`, or None for now.

    Example:

    >>> mesh = ember.distribution.DeviceMesh((1,), ["model"], ["cpu:0"])
    >>> ember.distribution.TensorLayout([None, "model"], mesh).axes
    (None, 'model')
    """

    def __init__(
        self, axes: Sequence[str | None], device_mesh: DeviceMesh | None = None
    ):
        self._axes = tuple(axes)
        self._device_mesh = device_mesh
        self._sharding = None
        self._check_axes()

    @property
    def axes(self) -> tuple:
        """The mesh axis (or None) of each dimension."""
        return self._axes

    @property
    def device_mesh(self) -> DeviceMesh | None:
        """The mesh, once set."""
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh: DeviceMesh) -> None:
        if self._device_mesh is not None:
            raise ValueError(
                "TensorLayout: the device mesh is set already and cannot be "
                f"replaced. Existing: {self._device_mesh}"
            )
        self._device_mesh = device_mesh
        self._check_axes()

    @property
    def backend_layout(self) -> jax.sharding.NamedSharding:
        """The `jax.sharding.NamedSharding` of this layout."""
        if self._device_mesh is None:
            raise ValueError(
                f"{self}: cannot make a sharding before the device mesh is set."
            )
        if self._sharding is None:
            self._sharding = jax.sharding.NamedSharding(
                self._device_mesh.backend_mesh,
                jax.sharding.PartitionSpec(*self._axes),
            )
        return self._sharding

    def _check_axes(self) -> None:
        if self._device_mesh is None:
            return
        unknown = {a for a in self._axes if a is not None} - set(
            self._device_mesh.axis_names
        )
        if unknown:
            raise ValueError(
                f"TensorLayout: axes {sorted(unknown)} are not axes of the "
                f"device mesh, whose axes are "
                f"{list(self._device_mesh.axis_names)}. Received: "
                f"axes={self._axes}"
            )

    def __repr__(self) -> str:
        mesh = self.device_mesh
        return f"<TensorLayout axes={self.axes}, device_mesh={mesh}>"


def distribute_tensor(tensor: Any, layout: Any) -> Any:
    """Lays `tensor` out over devices as `layout` says.

    Eagerly it places the array (`jax.device_put`); inside a traced
    function it constrains the layout of the intermediate value
    (`jax.lax.with_sharding_constraint`). Symbolic tensors pass unchanged.

    Args:
        tensor: an array.
        layout: a `TensorLayout` or a `jax.sharding.Sharding`.

    Returns:
        The array, laid out as `layout`.
    """
    if isinstance(tensor, SymbolicTensor):
        return tensor
    if isinstance(layout, TensorLayout):
        layout = layout.backend_layout
    if isinstance(tensor, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(tensor, layout)
    if isinstance(tensor, jax.Array) and tensor.sharding.is_equivalent_to(
        layout, tensor.ndim
    ):
        return tensor
    return jax.device_put(tensor, layout)
