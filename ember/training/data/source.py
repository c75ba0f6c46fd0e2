"""The one interface of every data source, and the one place that picks one.

A source serves the batches of `fit` and `evaluate`, epoch by epoch:

- `num_steps`: batches per epoch (None: until a generator runs out);
- `seed`: the shuffle seed that orders its epochs (None when the source
  decides its own order); settable, so that a resumed fit replays the
  interrupted fit's order;
- `on_device`: True when its chunks gather their batches from data kept on
  the device (`DeviceChunk`, whose step count is an argument of the
  execution), False when chunks are stacked on the host (`Chunk`, whose
  step count is fixed by its shape);
- `first_chunk()`: a one-step chunk, to trace or time a step;
- `chunks(epoch, steps_per_chunk, skip=0)`: the executions of one epoch,
  without its first `skip` steps (a resumed fit). `steps_per_chunk` is an
  int, or a function of the steps left returning the next execution's
  steps (host sources call it once per epoch: their chunks share one
  shape);
- `restart()`: the next epoch starts a new pass (each `evaluate`);
- `ran_out`, `cut_short`: whether the last epoch had no batch, or ended
  before `num_steps` (generators).

In-memory arrays are served by `DeviceFeed` (on the device) or
`ArrayIterator` (on the host, when too big for the device or when a model
with its own steps needs a last partial batch at its real size); Python
generators by `GeneratorIterator`, a `PyDataset` by `PyDatasetIterator`,
a tf.data.Dataset, torch DataLoader or grain dataset by `DatasetIterator`.
Host sources' chunks are read one ahead of the running execution
(`ember.training.loop.run_epoch`).
`make_source` is the only place that chooses among them, so a new kind of
source is one new class and one line here.
"""

from collections.abc import Callable
from typing import Any
from typing import Protocol

from ember.training import sharding
from ember.training.data.adapters import check_batch_size
from ember.training.data.device import DeviceFeed
from ember.training.data.device import fits_on_device
from ember.training.data.iterator import ArrayIterator
from ember.training.data.py_dataset import host_iterator
from ember.training.data.py_dataset import is_batch_source


class Source(Protocol):
    """What the training loop reads from every data source."""

    num_steps: int | None
    seed: int | None
    on_device: bool
    ran_out: bool
    cut_short: bool

    def first_chunk(self) -> Any: ...

    def chunks(
        self,
        epoch: int,
        steps_per_chunk: int | Callable[[int], int],
        skip: int = 0,
    ): ...

    def restart(self) -> None: ...


def make_source(
    data: Any,
    batch_size: int | None = None,
    *,
    steps_per_epoch: int | None = None,
    shuffle: Any = False,
    seed: int | None = None,
    class_weight: dict | None = None,
    pad: bool = True,
    host: Callable[[Any], Any] | None = None,
) -> Source:
    """The source serving `data`'s batches.

    Args:
        data: an `ArrayData` (adapted in-memory arrays), a Python
            generator, a `PyDataset`, or a tf.data, torch or grain dataset.
        batch_size: rows per batch of in-memory data.
        steps_per_epoch: batches per epoch (None: one pass).
        shuffle: as `fit`'s `shuffle`.
        seed: the shuffle seed of in-memory data.
        class_weight: applied to a generator's batches (in-memory data has
            it in its sample weights already).
        pad: pad a last partial batch (ember's own steps, which take the
            padding mask), or keep its real size (a model's own steps).
        host: what a generator's batch inputs go through first (a model's
            host stage; in-memory inputs went through it before).
    """
    sharding.check_source(data, in_memory=not is_batch_source(data))
    if is_batch_source(data):
        source = host_iterator(
            data, steps_per_epoch, class_weight, shuffle, pad
        )
        source.host = host
        return source
    whole = data.num_samples % check_batch_size(batch_size) == 0
    # Each process' own arrays are fed through the host as its share.
    on_device = fits_on_device(data) and not sharding.per_process_data()
    if on_device and (pad or whole):
        return DeviceFeed(
            data,
            batch_size,
            shuffle=shuffle,
            seed=seed,
            steps_per_epoch=steps_per_epoch,
        )
    return ArrayIterator(
        data,
        batch_size,
        shuffle=shuffle,
        seed=seed,
        steps_per_epoch=steps_per_epoch,
        pad=pad,
    )
