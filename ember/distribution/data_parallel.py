"""DataParallel: the batch split over all devices, variables replicated."""

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ember.distribution.base_distribution import Distribution
from ember.distribution.device_mesh import DeviceMesh
from ember.distribution.devices import list_devices
from ember.distribution.tensor_layout import TensorLayout

_BATCH = "batch"


class DataParallel(Distribution):
    """Data parallelism: each device holds every variable and a slice of
    each batch.

    Give a `device_mesh` (its first axis splits the batch) or a list of
    `devices` (a 1D mesh with the axis `"batch"`), not both; with neither,
    every device of `list_devices()`.

    Args:
        device_mesh: a `DeviceMesh`, normally 1D.
        devices: device names or JAX devices.
        auto_shard_dataset: whether each process reads only its part of
            the data in a multi-process setting.

    Example:

    >>> strategy = ember.distribution.DataParallel(devices=["cpu:0"])
    >>> strategy.batch_dim_name, strategy.device_mesh.shape
    ('batch', (1,))
    """

    def __init__(
        self,
        device_mesh: DeviceMesh | None = None,
        devices: Sequence | None = None,
        auto_shard_dataset: bool = True,
    ):
        if device_mesh is not None:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(
                    "DataParallel: expected `device_mesh` to be a "
                    f"DeviceMesh. Received: device_mesh={device_mesh!r} "
                    f"(of type {type(device_mesh).__name__})"
                )
            if device_mesh.devices.ndim != 1:
                warnings.warn(
                    "DataParallel expects a 1D mesh; received one of shape "
                    f"{tuple(device_mesh.shape)}. Its first axis splits the "
                    "batch.",
                    stacklevel=2,
                )
            batch_dim_name = device_mesh.axis_names[0]
        else:
            chosen = np.array(list_devices() if not devices else devices)
            device_mesh = DeviceMesh(chosen.shape, [_BATCH], chosen)
            batch_dim_name = _BATCH
        super().__init__(device_mesh, batch_dim_name, auto_shard_dataset)

    @property
    def num_model_replicas(self) -> int:
        """Every device holds a replica."""
        return self.device_mesh.devices.size

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """Replicated on every device."""
        return self._replicated(variable)

    def get_tensor_layout(self, path: str) -> None:
        """Intermediate tensors keep the layout XLA gives them."""
        return None
