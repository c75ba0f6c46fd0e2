"""ModelParallel: variables split as a LayoutMap says, the batch over one
mesh axis."""

from typing import Any

from ember.distribution.base_distribution import Distribution
from ember.distribution.layout_map import LayoutMap
from ember.distribution.tensor_layout import TensorLayout


class ModelParallel(Distribution):
    """Model (and data) parallelism over a mesh with several axes.

    Each variable takes the layout its path finds in `layout_map`
    (replicated where no key matches); each batch is split over
    `batch_dim_name`.

    Args:
        layout_map: a `LayoutMap`; its mesh is the distribution's.
        batch_dim_name: the mesh axis that splits the batch; default the
            mesh's first axis.
        auto_shard_dataset: whether each process reads only its part of
            the data in a multi-process setting.

    Example:

    >>> mesh = ember.distribution.DeviceMesh(
    ...     (1, 1), ["batch", "model"], ["cpu:0"]
    ... )
    >>> layout_map = ember.distribution.LayoutMap(mesh)
    >>> layout_map["dense.*kernel"] = (None, "model")
    >>> strategy = ember.distribution.ModelParallel(layout_map=layout_map)
    >>> strategy.batch_dim_name
    'batch'
    """

    def __init__(
        self,
        *,
        layout_map: LayoutMap | None = None,
        batch_dim_name: str | None = None,
        auto_shard_dataset: bool = True,
        **kwargs,
    ):
        kwargs.pop("device_mesh", None)  # Keras accepts and ignores it.
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(
                "ModelParallel: expected `layout_map` to be a LayoutMap. "
                f"Received: layout_map={layout_map!r}"
            )
        mesh = layout_map.device_mesh
        batch_dim_name = batch_dim_name or mesh.axis_names[0]
        if batch_dim_name not in mesh.axis_names:
            raise ValueError(
                f"ModelParallel: `batch_dim_name` must be an axis of the "
                f"mesh, {list(mesh.axis_names)}. Received: "
                f"batch_dim_name={batch_dim_name!r}"
            )
        super().__init__(mesh, batch_dim_name, auto_shard_dataset)
        self._layout_map = layout_map
        processes, replicas = self.num_processes, self.num_model_replicas
        if processes > replicas and processes % replicas:
            raise ValueError(
                "ModelParallel: with more processes than model replicas, "
                "the number of processes must be divisible by the number "
                f"of replicas. Received: num_processes={processes}, "
                f"num_model_replicas={replicas}"
            )

    @property
    def num_model_replicas(self) -> int:
        """The size of the batch axis of the mesh."""
        mesh = self.device_mesh
        return mesh.shape[list(mesh.axis_names).index(self.batch_dim_name)]

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """The layout `variable.path` finds in the layout map, else
        replicated."""
        return self._layout_map[variable.path] or self._replicated(variable)

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        """The layout `path` finds in the layout map, or None."""
        return self._layout_map[path]
