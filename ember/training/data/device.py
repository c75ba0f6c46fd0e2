"""In-memory data on the device: transferred once, batched by index.

`DeviceFeed` puts the adapted arrays (x, y and sample weights) on the
device once per `fit`/`evaluate`. Each epoch the host only computes the
epoch's index plan (a permutation cut into batches, `ArrayIterator`'s
order and padding) and transfers it; the compiled execution gathers each
step's batch from the device arrays (`compiled.batch_at`).
"""

from collections.abc import Callable
from collections.abc import Iterator
from typing import Any
from typing import NamedTuple

import jax
import numpy as np

from ember.training.data.adapters import ArrayData
from ember.training.data.iterator import ArrayIterator

# In-memory data larger than this fraction of the device's free memory is
# batched on the host instead (`fits_on_device`).
DEVICE_FRACTION = 0.5


def fits_on_device(data: ArrayData) -> bool:
    """Whether `data` fits comfortably in the default device's free memory
    (always true where the device reports no memory statistics, as the CPU
    does: there device memory is host memory)."""
    stats = jax.devices()[0].memory_stats() or {}
    limit = stats.get("bytes_limit")
    if not limit:
        return True
    free = limit - stats.get("bytes_in_use", 0)
    size = sum(np.asarray(a).nbytes for a in jax.tree_util.tree_leaves(data))
    return size <= DEVICE_FRACTION * free


class DeviceChunk(NamedTuple):
    """One execution's view of device-resident data.

    `data` is `(x, y, sample_weight)` of every sample; `index` and `mask`
    (`(steps, batch_size)`) the epoch's plan; the execution runs steps
    `start` to `start + num_steps`.
    """

    data: Any
    index: Any
    mask: Any
    start: Any
    num_steps: Any


class DeviceFeed:
    """Serves `DeviceChunk`s over `ArrayData` put on the device once.

    Args:
        data: an `ArrayData` from `adapt`.
        batch_size, shuffle, seed, steps_per_epoch: as `ArrayIterator`.
    """

    def __init__(
        self,
        data: ArrayData,
        batch_size: int,
        shuffle=False,
        seed: int | None = None,
        steps_per_epoch: int | None = None,
    ):
        self.iterator = ArrayIterator(
            data, batch_size, shuffle, seed, steps_per_epoch
        )
        self.data = data
        self.arrays = jax.device_put((data.x, data.y, data.sample_weight))
        self._fixed_plan = None

    @property
    def num_steps(self) -> int:
        """Steps (batches) in one epoch."""
        return self.iterator.num_steps

    @property
    def batch_size(self) -> int:
        return self.iterator.batch_size

    def plan(self, epoch: int) -> tuple:
        """The epoch's `(index, mask)` on the device.

        Without shuffling and `steps_per_epoch` every epoch has the same
        plan, transferred once.
        """
        it = self.iterator
        if it.shuffle or it.steps_per_epoch is not None:
            return jax.device_put(it.epoch_plan(epoch))
        if self._fixed_plan is None:
            self._fixed_plan = jax.device_put(it.epoch_plan(0))
        return self._fixed_plan

    def first_chunk(self, epoch: int = 0) -> DeviceChunk:
        """A chunk of the epoch's first step (to trace or time a step)."""
        index, mask = self.plan(epoch)
        return DeviceChunk(self.arrays, index, mask, np.int32(0), np.int32(1))

    def chunks(
        self, epoch: int, num_steps: Callable[[int], int], skip: int = 0
    ) -> Iterator[DeviceChunk]:
        """The executions of one epoch.

        Args:
            epoch: the epoch (selects the shuffle).
            num_steps: called before each execution with the number of
                steps left; returns how many this execution runs.
            skip: steps of the epoch already done (a resumed fit).
        """
        index, mask = self.plan(epoch)
        start, total = skip, self.num_steps
        while start < total:
            count = max(1, min(int(num_steps(total - start)), total - start))
            yield DeviceChunk(
                self.arrays, index, mask, np.int32(start), np.int32(count)
            )
            start += count
