"""The host side of the data path: adapt inputs, then iterate batches.

`adapt` validates and converts in-memory data; `ArrayIterator` and
`GeneratorIterator` shuffle, batch and pad, and stack batches into chunks.
"""

from ember.training.data.adapters import ArrayData
from ember.training.data.adapters import adapt
from ember.training.data.adapters import check_batch_size
from ember.training.data.adapters import class_weight_to_sample_weight
from ember.training.data.adapters import split_validation
from ember.training.data.adapters import unpack_validation_data
from ember.training.data.iterator import ArrayIterator
from ember.training.data.iterator import Batch
from ember.training.data.iterator import Chunk
from ember.training.data.iterator import GeneratorIterator
from ember.training.data.iterator import make_batch
from ember.training.data.iterator import stack_chunks
