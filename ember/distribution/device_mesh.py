"""DeviceMesh: devices arranged on named axes."""

import math
from collections.abc import Sequence

import jax
import numpy as np

from ember.distribution.devices import device
from ember.distribution.devices import list_devices


class DeviceMesh:
    """An array of devices with a name for each axis.

    The axis names are what layouts refer to: a `(4, 2)` mesh with axes
    `("batch", "model")` splits the data 4 ways and the sharded variables
    2 ways. It is `jax.sharding.Mesh` under another name.

    Args:
        shape: the mesh's shape, e.g. `(8,)` for data parallelism only or
            `(4, 2)` for data and model parallelism.
        axis_names: one name per axis of `shape`.
        devices: the devices (names such as `"gpu:0"` or JAX devices), as
            many as `shape` holds; default `list_devices()`.

    Example:

    >>> mesh = ember.distribution.DeviceMesh((1,), ["batch"], ["cpu:0"])
    >>> mesh.shape, mesh.axis_names
    ((1,), ['batch'])
    """

    def __init__(
        self,
        shape: Sequence[int],
        axis_names: Sequence[str],
        devices: Sequence | np.ndarray | None = None,
    ):
        if not shape or not axis_names:
            raise ValueError(
                "DeviceMesh: `shape` and `axis_names` cannot be empty. "
                f"Received: shape={shape}, axis_names={axis_names}"
            )
        if len(shape) != len(axis_names):
            raise ValueError(
                "DeviceMesh: `shape` and `axis_names` must have the same "
                f"length. Received: shape={shape}, axis_names={axis_names}"
            )
        devices = np.array(list_devices() if devices is None else devices)
        if math.prod(shape) != devices.size:
            raise ValueError(
                f"DeviceMesh: shape {tuple(shape)} holds {math.prod(shape)} "
                f"devices, but {devices.size} were given. Received: "
                f"shape={shape}, devices.shape={devices.shape}"
            )
        self._shape = shape
        self._axis_names = axis_names
        self._devices = devices.reshape(shape)
        self._jax_mesh = None

    @property
    def shape(self) -> Sequence[int]:
        """The mesh's shape."""
        return self._shape

    @property
    def axis_names(self) -> Sequence[str]:
        """The name of each axis."""
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        """The devices, as an array of `shape`."""
        return self._devices

    @property
    def backend_mesh(self) -> jax.sharding.Mesh:
        """The `jax.sharding.Mesh` of these devices and names."""
        if self._jax_mesh is None:
            jax_devices = np.array(
                [device(d) for d in self._devices.flat], dtype=object
            ).reshape(self._devices.shape)
            self._jax_mesh = jax.sharding.Mesh(
                jax_devices, tuple(self._axis_names)
            )
        return self._jax_mesh

    def __repr__(self) -> str:
        return f"<DeviceMesh shape={self.shape}, axis_names={self.axis_names}>"
