"""Batches from Python generators: the host path of the data.

A generator yields whole batches, `x`, `(x, y)` or `(x, y, sample_weight)`
(each part an array or a list/dict of arrays). Batches are adapted and
padded on the host, stacked into chunks and transferred chunk by chunk.
"""

from collections.abc import Iterator
from typing import Any

import jax
import numpy as np

from ember.core import config
from ember.training.data.adapters import ArrayData
from ember.training.data.adapters import adapt
from ember.training.data.adapters import check_batch_size
from ember.training.data.iterator import Batch
from ember.training.data.iterator import Chunk
from ember.training.data.iterator import make_batch
from ember.training.data.iterator import stack_chunks
from ember.training.steps import unpack_x_y_sample_weight


def is_generator(value: Any) -> bool:
    """Whether `value` is an iterator of batches (a Python generator)."""
    return hasattr(value, "__next__") and hasattr(value, "__iter__")


class GeneratorIterator:
    """Batches from a Python generator, batched as the generator yields.

    The batch size is that of the first batch; shorter batches (the last
    one) are padded like array batches; a longer one is an error.

    Args:
        source: an iterable, or a callable returning a fresh iterable for
            each epoch. A plain generator is consumed once: later epochs
            continue where the previous stopped, and an epoch without
            `steps_per_epoch` runs until the generator is exhausted (so an
            infinite generator needs `steps_per_epoch`).
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
        self._peeked = None
        self._fresh = False
        self._weighted = None
        # True once an epoch ended because the generator ran out early.
        self.ran_out = False
        # True when an epoch was shorter than `steps_per_epoch` but
        # training goes on (a `PyDataset`'s pass ended).
        self.cut_short = False

    @property
    def num_steps(self) -> int | None:
        """Batches in one epoch; None when unknown."""
        return self.steps_per_epoch

    def _adapt(self, item) -> ArrayData:
        x, y, sample_weight = unpack_x_y_sample_weight(item)
        data = adapt(x, y, sample_weight, self.class_weight)
        weighted = data.sample_weight is not None
        if self._weighted is None:
            self._weighted = weighted
        elif weighted and not self._weighted:
            raise ValueError(
                "The generator's first batch had no sample weights but a "
                "later one has: yield (x, y, sample_weight) from the start."
            )
        elif self._weighted and not weighted:
            ones = np.ones(data.num_samples, config.floatx())
            data = data._replace(
                sample_weight=jax.tree_util.tree_map(lambda _: ones, data.y)
                if isinstance(data.y, (list, tuple, dict))
                else ones
            )
        return data

    def peek(self) -> ArrayData:
        """The first batch, adapted, without consuming it."""
        if self._peeked is None:
            if self._iterator is None:
                self._iterator = iter(self._factory())
                self._fresh = True
            try:
                item = next(self._iterator)
            except StopIteration:
                raise ValueError("The generator yielded no batch.") from None
            self._peeked = self._adapt(item)
        return self._peeked

    def _next(self) -> ArrayData | None:
        if self._peeked is not None:
            data, self._peeked = self._peeked, None
            return data
        try:
            return self._adapt(next(self._iterator))
        except StopIteration:
            return None

    def batches(self, epoch: int = 0) -> Iterator[Batch]:
        """The batches of one epoch, padded to the first batch's size."""
        del epoch  # A generator decides its own order.
        restart = self._iterator is None or self.steps_per_epoch is None
        if self._factory is not None and restart and not self._fresh:
            self._iterator = iter(self._factory())
            self._peeked = None
        self._fresh = False
        step = 0
        while self.steps_per_epoch is None or step < self.steps_per_epoch:
            data = self._next()
            if data is None:
                break
            if self.batch_size is None:
                self.batch_size = data.num_samples
            yield make_batch(*data, self.batch_size)
            step += 1
        self.ran_out = step == 0 or (
            self.steps_per_epoch is not None and step < self.steps_per_epoch
        )

    def chunks(self, epoch: int = 0, steps_per_chunk: int = 1):
        """The chunks of one epoch (see `stack_chunks`)."""
        return stack_chunks(self.batches(epoch), steps_per_chunk)

    def first_chunk(self) -> Chunk:
        """A one-step chunk of the first batch (to trace or time a step)."""
        data = self.peek()
        return next(stack_chunks([make_batch(*data, data.num_samples)], 1))
