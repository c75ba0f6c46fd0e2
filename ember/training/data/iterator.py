"""Epoch iteration: shuffle, batch, pad, and stack batches into chunks.

Every batch has exactly `batch_size` rows. The last partial batch of a pass
is padded by repeating real rows (valid values, so no NaN from padding) with
sample weight 0 and `mask` 0, so one shape is compiled per fit.

A chunk stacks K consecutive batches (leaves of shape `(K, batch_size,
...)`) for a `lax.scan` of K steps. The final chunk of an epoch may hold
fewer real steps; it is padded with fully-masked steps (mask and sample
weights all zero) so there is ONE compiled chunk shape. `Chunk.step_mask`
marks the real steps: the compiled step must skip the optimizer update on a
masked step (a zero gradient still moves momentum-based optimizers and
counts as an iteration), and `Chunk.num_steps` says how many to count.
"""

from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any
from typing import NamedTuple

import jax
import numpy as np

from ember.core import config
from ember.training.data.adapters import ArrayData
from ember.training.data.adapters import adapt
from ember.training.data.adapters import check_batch_size


class Batch(NamedTuple):
    """One step's data: leaves have leading axis `batch_size`.

    `mask` is a float array `(batch_size,)`: 1 for real samples, 0 for
    padding. Padded rows also have sample weight 0.
    """

    x: Any
    y: Any
    sample_weight: Any
    mask: np.ndarray


class Chunk(NamedTuple):
    """K stacked batches; `step_mask` `(K,)` is 1 for real steps."""

    batch: Batch
    step_mask: np.ndarray
    num_steps: int


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


def make_batch(x, y, sample_weight, batch_size: int) -> Batch:
    """Pad a batch of `n <= batch_size` real rows to `batch_size` rows."""
    real = int(jax.tree_util.tree_leaves(x)[0].shape[0])
    if real > batch_size:
        raise ValueError(
            f"A batch has {real} samples, more than batch_size={batch_size}."
        )

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
    """

    def __init__(
        self,
        data: ArrayData,
        batch_size=None,
        shuffle=False,
        seed: int | None = None,
        steps_per_epoch: int | None = None,
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

    def _pass_batches(self, pass_index: int) -> Iterator[Batch]:
        order = self.pass_indices(pass_index)
        for start in range(0, self.num_samples, self.batch_size):
            index = order[start : start + self.batch_size]
            rows = jax.tree_util.tree_map(lambda a, i=index: a[i], self.data)
            yield make_batch(*rows, self.batch_size)

    def batches(self, epoch: int = 0) -> Iterator[Batch]:
        """The batches of one epoch."""
        if self.steps_per_epoch is None:
            yield from self._pass_batches(epoch)
            return
        first = epoch * self.steps_per_epoch
        pass_index, skip = divmod(first, self.batches_per_pass)
        left = self.steps_per_epoch
        while left:
            for batch in self._pass_batches(pass_index):
                if skip:
                    skip -= 1
                    continue
                yield batch
                left -= 1
                if not left:
                    return
            pass_index += 1

    def chunks(self, epoch: int = 0, steps_per_chunk: int = 1):
        """The chunks of one epoch (see `stack_chunks`)."""
        return stack_chunks(self.batches(epoch), steps_per_chunk)


def _unpack(item):
    if isinstance(item, list):
        item = tuple(item)
    if not isinstance(item, tuple):
        return item, None, None
    if len(item) in (1, 2, 3):
        return (*item, None, None)[:3]
    raise ValueError(
        "A generator must yield x, (x,), (x, y) or (x, y, sample_weight); "
        f"it yielded a tuple of length {len(item)}."
    )


class GeneratorIterator:
    """Batches from a Python generator, batched as the generator yields.

    The batch size is that of the first batch; shorter batches (the last
    one) are padded like array batches; a longer one is an error.

    Args:
        source: an iterable, or a callable returning a fresh iterable for
            each epoch. A plain generator is consumed once: later epochs
            continue where the previous stopped.
        steps_per_epoch: batches per epoch; None runs until exhausted.
        class_weight: optional dict applied to each batch's targets.
    """

    def __init__(self, source, steps_per_epoch=None, class_weight=None):
        self._factory = source if callable(source) else None
        self._iterator = None if callable(source) else iter(source)
        if steps_per_epoch is not None:
            steps_per_epoch = check_batch_size(
                steps_per_epoch, None, "steps_per_epoch"
            )
        self.steps_per_epoch = steps_per_epoch
        self.class_weight = class_weight
        self.batch_size = None

    def batches(self, epoch: int = 0) -> Iterator[Batch]:
        if self._factory is not None and (
            self._iterator is None or self.steps_per_epoch is None
        ):
            self._iterator = iter(self._factory())
        step = 0
        while self.steps_per_epoch is None or step < self.steps_per_epoch:
            try:
                item = next(self._iterator)
            except StopIteration:
                return
            x, y, sample_weight = _unpack(item)
            data = adapt(x, y, sample_weight, self.class_weight)
            if self.batch_size is None:
                self.batch_size = data.num_samples
            yield make_batch(*data, self.batch_size)
            step += 1

    def chunks(self, epoch: int = 0, steps_per_chunk: int = 1):
        return stack_chunks(self.batches(epoch), steps_per_chunk)
