"""The data path: adapt inputs, then batch them on the device or host.

`adapt` validates and converts in-memory data (numpy, pandas, tensors);
`DeviceFeed` puts it on the device once and batches it there by index;
`ArrayIterator` and `GeneratorIterator` (with `PyDatasetIterator` and
`DatasetIterator` for tf.data, torch and grain) shuffle, batch and pad on
the host, and `stack_chunks` stacks host batches into chunks.
"""

from ember.training.data.adapters import ArrayData
from ember.training.data.adapters import adapt
from ember.training.data.adapters import check_batch_size
from ember.training.data.adapters import class_weight_to_sample_weight
from ember.training.data.adapters import split_validation
from ember.training.data.adapters import unpack_validation_data
from ember.training.data.adapters import unpack_x_y_sample_weight
from ember.training.data.device import DeviceChunk
from ember.training.data.device import DeviceFeed
from ember.training.data.device import fits_on_device
from ember.training.data.generators import GeneratorIterator
from ember.training.data.generators import is_generator
from ember.training.data.iterator import ArrayIterator
from ember.training.data.iterator import Batch
from ember.training.data.iterator import Chunk
from ember.training.data.iterator import make_batch
from ember.training.data.iterator import stack_chunks
from ember.training.data.library_datasets import DatasetIterator
from ember.training.data.library_datasets import dataset_kind
from ember.training.data.py_dataset import PyDataset
from ember.training.data.py_dataset import describe_source
from ember.training.data.py_dataset import host_iterator
from ember.training.data.py_dataset import is_batch_source
from ember.training.data.source import Source
from ember.training.data.source import make_source
