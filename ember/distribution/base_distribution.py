"""Distribution: how data and variables are spread over a device mesh;
the current one."""

import contextlib
from collections.abc import Iterator
from typing import Any

import jax

from ember.distribution.device_mesh import DeviceMesh
from ember.distribution.tensor_layout import TensorLayout

_CURRENT = None


class Distribution:
    """The base of `DataParallel` and `ModelParallel`.

    A distribution says how each batch of data (`get_data_layout`), each
    variable (`get_variable_layout`) and each named intermediate tensor
    (`get_tensor_layout`) is laid out over its `DeviceMesh`. Set it with
    `set_distribution`, or for a block of code with `scope()`.

    Args:
        device_mesh: the `DeviceMesh`.
        batch_dim_name: the mesh axis that splits the batch.
        auto_shard_dataset: whether each process reads only its part of
            the data in a multi-process setting.
    """

    def __init__(
        self,
        device_mesh: DeviceMesh,
        batch_dim_name: str | None = None,
        auto_shard_dataset: bool = True,
    ):
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset
        self._num_processes = jax.process_count()
        self._process_id = jax.process_index()

    @property
    def device_mesh(self) -> DeviceMesh:
        """The mesh."""
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str | None:
        """The mesh axis that splits the batch."""
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self) -> bool:
        """Whether each process reads only its part of the data."""
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value: bool) -> None:
        self._auto_shard_dataset = value

    @property
    def num_processes(self) -> int:
        """The number of processes."""
        return self._num_processes

    @property
    def num_model_replicas(self) -> int:
        """How many copies of the model the batch is split between."""
        raise NotImplementedError

    @property
    def data_shard_id(self) -> int:
        """Which part of the data this process reads."""
        replicas = self.num_model_replicas
        if replicas >= self._num_processes:
            return self._process_id
        return self._process_id // (self._num_processes // replicas)

    def get_data_layout(self, data_shape: tuple) -> TensorLayout:
        """The layout of a batch of shape `data_shape`: split on the first
        dimension over `batch_dim_name`."""
        axes = [None] * len(data_shape)
        axes[0] = self._batch_dim_name
        return TensorLayout(axes, self._device_mesh)

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """The layout of `variable` (a `Variable`)."""
        raise NotImplementedError

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        """The layout of the intermediate tensor called `path`, or None."""
        raise NotImplementedError

    def _replicated(self, variable: Any) -> TensorLayout:
        return TensorLayout([None] * len(variable.shape), self._device_mesh)

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """A context in which this is the current distribution."""
        previous = distribution()
        set_distribution(self)
        try:
            yield
        finally:
            set_distribution(previous)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} device_mesh={self._device_mesh}, "
            f"batch_dim_name={self._batch_dim_name!r}>"
        )


def distribution() -> Distribution | None:
    """The current distribution, or None.

    Returns:
        The `Distribution` set by `set_distribution` or a `scope()`.
    """
    return _CURRENT


def set_distribution(value: Distribution | None) -> None:
    """Sets the current distribution (None for one device).

    Args:
        value: a `Distribution`, or None.
    """
    global _CURRENT
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(
            "set_distribution: expected a Distribution or None. Received: "
            f"{value!r} (of type {type(value).__name__})"
        )
    _CURRENT = value
