"""ember.distribution: data and model parallelism on JAX's sharding."""

from ember.distribution.base_distribution import Distribution
from ember.distribution.base_distribution import distribution
from ember.distribution.base_distribution import set_distribution
from ember.distribution.data_parallel import DataParallel
from ember.distribution.device_mesh import DeviceMesh
from ember.distribution.devices import get_device_count
from ember.distribution.devices import initialize
from ember.distribution.devices import list_devices
from ember.distribution.layout_map import LayoutMap
from ember.distribution.model_parallel import ModelParallel
from ember.distribution.tensor_layout import TensorLayout
from ember.distribution.tensor_layout import distribute_tensor

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "Distribution",
    "LayoutMap",
    "ModelParallel",
    "TensorLayout",
    "distribute_tensor",
    "distribution",
    "get_device_count",
    "initialize",
    "list_devices",
    "set_distribution",
]
