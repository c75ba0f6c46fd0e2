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
import jax.numpy as jnp
import numpy as np

from ember.training import sharding
from ember.training.data.adapters import ArrayData
from ember.training.data.iterator import ArrayIterator
from ember.training.data.iterator import Batch
from ember.training.data.iterator import chunk_steps

# In-memory data larger than this fraction of the device's free memory is
# batched on the host instead (`fits_on_device`).
DEVICE_FRACTION = 0.5


def fits_on_device(data: ArrayData) -> bool:
    """Whether `data` fits comfortably in the default device's free memory
    (always true where the device reports no memory statistics, as the CPU
    does: there device memory is host memory)."""
    stats = jax.local_devices()[0].memory_stats() or {}
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

    static_steps = None  # Its step count is an argument of the execution.

    @property
    def batch_key(self) -> int:
        """What fixes the compiled program's shapes, besides the state."""
        return int(self.index.shape[-1])

    def batch_at(self, i) -> Batch:
        """Step `i`'s batch, gathered from the device data (traced)."""
        row = self.start + i
        index = jax.lax.dynamic_index_in_dim(self.index, row, 0, False)
        mask = jax.lax.dynamic_index_in_dim(self.mask, row, 0, False)
        x, y, weight = jax.tree_util.tree_map(
            lambda a: jnp.take(a, index, axis=0, mode="clip"), self.data
        )

        def zero_padding(w):
            row_mask = mask.reshape(mask.shape + (1,) * (w.ndim - 1))
            return w * row_mask.astype(w.dtype)

        weight = jax.tree_util.tree_map(zero_padding, weight)
        return Batch(x, y, weight, mask)

    def truncated(self, num_steps: int) -> "DeviceChunk":
        """The same chunk running only its first `num_steps` steps."""
        return self._replace(num_steps=np.int32(num_steps))


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
        self.arrays = sharding.replicate((data.x, data.y, data.sample_weight))
        self._fixed_plan = None

    # The source interface (see `ember.training.data.source`).
    on_device = True
    ran_out = False
    cut_short = False

    def restart(self) -> None:
        """Nothing to do: every epoch is planned from its index."""

    @property
    def seed(self) -> int:
        """The shuffle seed that orders the epochs."""
        return self.iterator.seed

    @seed.setter
    def seed(self, value: int) -> None:
        self.iterator.seed = value

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
            return sharding.replicate(it.epoch_plan(epoch))
        if self._fixed_plan is None:
            self._fixed_plan = sharding.replicate(it.epoch_plan(0))
        return self._fixed_plan

    def first_chunk(self, epoch: int = 0) -> DeviceChunk:
        """A chunk of the epoch's first step (to trace or time a step)."""
        index, mask = self.plan(epoch)
        return DeviceChunk(self.arrays, index, mask, np.int32(0), np.int32(1))

    def chunks(
        self,
        epoch: int,
        steps_per_chunk: int | Callable[[int], int],
        skip: int = 0,
    ) -> Iterator[DeviceChunk]:
        """The executions of one epoch.

        Args:
            epoch: the epoch (selects the shuffle).
            steps_per_chunk: the steps of each execution, or a function
                called before each with the number of steps left that
                returns how many this execution runs.
            skip: steps of the epoch already done (a resumed fit).
        """
        index, mask = self.plan(epoch)
        start, total = skip, self.num_steps
        while start < total:
            left = total - start
            count = min(chunk_steps(steps_per_chunk, left), left)
            yield DeviceChunk(
                self.arrays, index, mask, np.int32(start), np.int32(count)
            )
            start += count
