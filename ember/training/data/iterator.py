"""Epoch iteration: shuffle, batch, pad, and stack batches into chunks.

Every batch has exactly `batch_size` rows. The last partial batch of a pass
is padded by repeating real rows (valid values, so no NaN from padding) with
sample weight 0 and `mask` 0, so one shape is compiled per fit. Only ember's
own steps take the mask; for a model with its own steps (`pad=False`) a
partial batch keeps its real size, as in Keras.

`ArrayIterator` decides the order: `epoch_plan` gives an epoch's batches as
indices, which `DeviceFeed` gathers on the device; `batches` gathers them
on the host. On the host path (generators, `*_on_batch`) a chunk stacks K
consecutive batches (leaves of shape `(K, batch_size, ...)`); the final
chunk of an epoch may hold fewer real steps, padded with fully-masked steps
so there is ONE compiled chunk shape. Real steps come first and
`Chunk.num_steps` counts them (`Chunk.step_mask` marks them): a masked step
must leave the state untouched (a zero gradient still moves momentum-based
optimizers and counts as an iteration).
"""

import itertools
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any
from typing import NamedTuple

import jax
import numpy as np

from ember.core import config
from ember.training.data.adapters import ArrayData
from ember.training.data.adapters import check_batch_size


class Batch(NamedTuple):
    """One step's data: leaves have leading axis `batch_size`.

    `mask` is a float array `(batch_size,)`: 1 for real samples, 0 for
    padding. Padded rows also have sample weight 0 (`sample_weight` is
    None when the data has none: the step then sees `(x, y)`).
    """

    x: Any
    y: Any
    sample_weight: Any
    mask: np.ndarray

    @property
    def data(self) -> tuple:
        """The batch as a step receives it: `(x, y)`, or
        `(x, y, sample_weight)` when there are sample weights."""
        if self.sample_weight is None:
            return self.x, self.y
        return self.x, self.y, self.sample_weight


class Chunk(NamedTuple):
    """K stacked batches; `step_mask` `(K,)` is 1 for real steps."""

    batch: Batch
    step_mask: np.ndarray
    num_steps: int

    @property
    def static_steps(self) -> int:
        """K: the steps its shape holds (an execution runs them all)."""
        return int(self.step_mask.shape[0])

    @property
    def batch_key(self) -> tuple:
        """What fixes the compiled program's shapes, besides the state."""
        return tuple(self.batch.mask.shape)

    def batch_at(self, i) -> Batch:
        """Step `i`'s batch (traced; `i` may be traced)."""
        return jax.tree_util.tree_map(
            lambda a: jax.lax.dynamic_index_in_dim(a, i, 0, False), self.batch
        )

    def truncated(self, num_steps: int) -> "Chunk":
        """The same chunk with only its first `num_steps` steps real."""
        step_mask = np.array(self.step_mask, copy=True)
        step_mask[num_steps:] = 0
        return self._replace(num_steps=np.int32(num_steps), step_mask=step_mask)


def chunk_steps(steps_per_chunk: int | Callable[[int], int], left: int) -> int:
    """The steps of the next chunk: `steps_per_chunk`, or what it returns
    for the `left` steps of the epoch when it is a function."""
    if callable(steps_per_chunk):
        steps_per_chunk = steps_per_chunk(left)
    return check_batch_size(steps_per_chunk, None, "steps_per_chunk")


def _pad_rows(array: np.ndarray, size: int) -> np.ndarray:
    """Pad `array` along axis 0 to `size` rows by repeating its rows."""
    if array.shape[0] == size:
        return array
    reps = np.resize(np.arange(array.shape[0]), size)
    return array[reps]


def _zero_padded_weight(weight: np.ndarray, real: int) -> np.ndarray:
    weight = np.array(weight, copy=True)
    weight[real:] = 0
    return weight


def _shapes(tree) -> list:
    return [np.shape(a) for a in jax.tree_util.tree_leaves(tree)]


def _rows(tree) -> int:
    return int(jax.tree_util.tree_leaves(tree)[0].shape[0])


def make_batch(x, y, sample_weight, batch_size: int, pad=True) -> Batch:
    """Pad a batch of `n <= batch_size` real rows to `batch_size` rows
    (with `pad=False`, keep its `n` rows)."""
    real = _rows(x)
    if real > batch_size:
        raise ValueError(
            f"A batch has {real} samples, more than batch_size={batch_size}."
        )
    if not pad:
        batch_size = real

    def pad(tree):
        return jax.tree_util.tree_map(lambda a: _pad_rows(a, batch_size), tree)

    mask = np.zeros(batch_size, dtype=config.floatx())
    mask[:real] = 1
    weight = jax.tree_util.tree_map(
        lambda w: _zero_padded_weight(w, real), pad(sample_weight)
    )
    return Batch(pad(x), pad(y), weight, mask)


def masked_like(batch: Batch) -> Batch:
    """A copy of `batch` in which every row is padding (weight and mask 0)."""
    zeros = jax.tree_util.tree_map(np.zeros_like, batch.sample_weight)
    return Batch(batch.x, batch.y, zeros, np.zeros_like(batch.mask))


def stack_chunks(
    batches: Iterable[Batch], steps_per_chunk: int
) -> Iterator[Chunk]:
    """Group batches into chunks of `steps_per_chunk` stacked batches.

    The last chunk is padded with fully-masked steps to the same length.
    A batch of other shapes than the previous ones (an unpadded last
    batch, sequences of another length) starts a chunk of its own.
    """
    steps_per_chunk = check_batch_size(steps_per_chunk, None, "steps_per_chunk")
    pending = []

    def emit(group):
        real = len(group)
        group = group + [masked_like(group[-1])] * (steps_per_chunk - real)
        stacked = jax.tree_util.tree_map(lambda *a: np.stack(a), *group)
        step_mask = np.zeros(steps_per_chunk, dtype=config.floatx())
        step_mask[:real] = 1
        return Chunk(stacked, step_mask, real)

    for batch in batches:
        if pending and _shapes(batch) != _shapes(pending[0]):
            yield emit(pending)
            pending = []
        pending.append(batch)
        if len(pending) == steps_per_chunk:
            yield emit(pending)
            pending = []
    if pending:
        yield emit(pending)


class ArrayIterator:
    """Batches over `ArrayData`, reshuffled on every pass.

    Args:
        data: an `ArrayData` from `adapt`.
        batch_size: positive int (default 32).
        shuffle: True (all samples each pass), "batch" (shuffle the order
            of batch-sized blocks, then within each block) or False.
        seed: int seed; pass `p` is shuffled with
            `np.random.default_rng([seed, p])`, so epochs are reproducible.
        steps_per_epoch: None for one pass per epoch; otherwise each epoch
            is that many batches, read from a continuous stream of passes.
        pad: pad a pass's last partial batch to `batch_size` (ember's own
            steps), or keep its real size (a model's own steps).
    """

    def __init__(
        self,
        data: ArrayData,
        batch_size=None,
        shuffle=False,
        seed: int | None = None,
        steps_per_epoch: int | None = None,
        pad: bool = True,
    ):
        if shuffle not in (True, False, "batch"):
            raise ValueError(
                f"`shuffle` must be True, False or 'batch'; got {shuffle!r}."
            )
        self.data = data
        self.batch_size = check_batch_size(batch_size)
        self.shuffle = shuffle
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**32))
        self.seed = seed
        if steps_per_epoch is not None:
            steps_per_epoch = check_batch_size(
                steps_per_epoch, None, "steps_per_epoch"
            )
        self.steps_per_epoch = steps_per_epoch
        self.num_samples = data.num_samples
        self.pad = pad

    # The source interface (see `ember.training.data.source`).
    on_device = False
    ran_out = False
    cut_short = False

    def restart(self) -> None:
        """Nothing to do: every epoch is planned from its index."""

    @property
    def batches_per_pass(self) -> int:
        return -(-self.num_samples // self.batch_size)

    @property
    def num_steps(self) -> int:
        """Batches (steps) in one epoch."""
        return self.steps_per_epoch or self.batches_per_pass

    def pass_indices(self, pass_index: int) -> np.ndarray:
        """The sample order of one pass over the data."""
        n, size = self.num_samples, self.batch_size
        if not self.shuffle:
            return np.arange(n)
        rng = np.random.default_rng([self.seed, pass_index])
        if self.shuffle is True:
            return rng.permutation(n)
        full = n // size * size
        blocks = np.arange(full).reshape(-1, size)
        blocks = rng.permuted(blocks[rng.permutation(len(blocks))], axis=1)
        return np.concatenate([blocks.reshape(-1), np.arange(full, n)])

    def _pass_steps(self, pass_index: int) -> Iterator[np.ndarray]:
        order = self.pass_indices(pass_index)
        for start in range(0, self.num_samples, self.batch_size):
            yield order[start : start + self.batch_size]

    def step_indices(self, epoch: int = 0) -> Iterator[np.ndarray]:
        """The sample indices of each batch of one epoch (the last batch
        of a pass may hold fewer than `batch_size`)."""
        if self.steps_per_epoch is None:
            yield from self._pass_steps(epoch)
            return
        first = epoch * self.steps_per_epoch
        pass_index, skip = divmod(first, self.batches_per_pass)
        left = self.steps_per_epoch
        while left:
            for index in self._pass_steps(pass_index):
                if skip:
                    skip -= 1
                    continue
                yield index
                left -= 1
                if not left:
                    return
            pass_index += 1

    def _pass_plan(self, pass_index: int) -> tuple:
        order = self.pass_indices(pass_index)
        size, full = self.batch_size, self.num_samples // self.batch_size
        index = np.empty((self.batches_per_pass, size), np.int32)
        mask = np.zeros((self.batches_per_pass, size), config.floatx())
        index[:full] = order[: full * size].reshape(full, size)
        mask[:full] = 1
        rest = order[full * size :]
        if len(rest):
            index[-1] = np.resize(rest, size)
            mask[-1, : len(rest)] = 1
        return index, mask

    def epoch_plan(self, epoch: int = 0) -> tuple:
        """`(index, mask)` of one epoch, both `(num_steps, batch_size)`.

        The batches of `step_indices`; a short batch is padded as
        `make_batch` pads it: by repeating its real rows, with mask 0 on
        the padding.
        """
        if self.steps_per_epoch is None:
            return self._pass_plan(epoch)
        first = epoch * self.steps_per_epoch
        pass_index, skip = divmod(first, self.batches_per_pass)
        plans = []
        while len(plans) * self.batches_per_pass < skip + self.num_steps:
            plans.append(self._pass_plan(pass_index + len(plans)))
        rows = slice(skip, skip + self.num_steps)
        index, mask = (
            np.concatenate(parts)[rows] for parts in zip(*plans, strict=True)
        )
        return index, mask

    def batches(self, epoch: int = 0) -> Iterator[Batch]:
        """The batches of one epoch, gathered on the host."""
        for index in self.step_indices(epoch):
            rows = jax.tree_util.tree_map(lambda a, i=index: a[i], self.data)
            yield make_batch(*rows, self.batch_size, self.pad)

    def chunks(self, epoch: int = 0, steps_per_chunk=1, skip: int = 0):
        """The chunks of one epoch (see `stack_chunks`), without its first
        `skip` batches (already done by a fit that is resumed)."""
        batches = itertools.islice(self.batches(epoch), skip, None)
        k = chunk_steps(steps_per_chunk, self.num_steps - skip)
        return stack_chunks(batches, k)

    def first_chunk(self) -> Chunk:
        """A one-step chunk of the first batch (to trace or time a step)."""
        return next(stack_chunks(self.batches(0), 1))
