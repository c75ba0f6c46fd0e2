"""Batches from Python generators: the host path of the data.

A generator yields whole batches, `x`, `(x, y)` or `(x, y, sample_weight)`
(each part an array or a list/dict of arrays). Batches are adapted and
padded on the host, stacked into chunks and transferred chunk by chunk.
"""

import itertools
from collections.abc import Iterator
from typing import Any

import jax
import numpy as np

from ember.core import config
from ember.training.data.adapters import ArrayData
from ember.training.data.adapters import adapt
from ember.training.data.adapters import check_batch_size
from ember.training.data.adapters import unpack_x_y_sample_weight
from ember.training.data.iterator import Batch
from ember.training.data.iterator import Chunk
from ember.training.data.iterator import chunk_steps
from ember.training.data.iterator import make_batch
from ember.training.data.iterator import stack_chunks


def is_generator(value: Any) -> bool:
    """Whether `value` is an iterator of batches (a Python generator)."""
    return hasattr(value, "__next__") and hasattr(value, "__iter__")


def _shapes(tree) -> str:
    shapes = jax.tree_util.tree_map(lambda a: tuple(np.shape(a)), tree)
    return str(shapes).replace("'", "")


def _difference(expected, received) -> str | None:
    """How `received` differs from `expected` (structure, rank or last
    axis of a leaf), or None."""
    if expected is None or received is None:
        if expected is None and received is None:
            return None
        shown = "none" if received is None else _shapes(received)
        return f"is {shown} where the first batch had " + (
            "none" if expected is None else _shapes(expected)
        )
    leaves, structure = jax.tree_util.tree_flatten(expected)
    other, other_structure = jax.tree_util.tree_flatten(received)
    if structure != other_structure:
        return f"has the structure {other_structure}, expected {structure}"
    for a, b in zip(leaves, other, strict=True):
        a_shape, b_shape = np.shape(a), np.shape(b)
        if len(a_shape) != len(b_shape) or (
            len(a_shape) > 1 and a_shape[-1] != b_shape[-1]
        ):
            expected_shape = (None, *a_shape[1:])
            return f"has shape {b_shape}, expected {expected_shape}"
    return None


class GeneratorIterator:
    """Batches from a Python generator, batched as the generator yields.

    The batch size is that of the first batch; shorter batches (the last
    one) are padded like array batches; a longer one is an error.

    Args:
        source: an iterable, or a callable returning a fresh iterable for
            each epoch. A plain generator is consumed once: with
            `steps_per_epoch` later epochs continue where the previous
            stopped; an epoch without it runs until the generator is
            exhausted (so an infinite generator needs `steps_per_epoch`).
            As in Keras, the first two batches are read ahead and put back
            in front of the generator, and every pass after it ran out
            starts with them again (each such epoch warns).
        steps_per_epoch: batches per epoch; None runs until exhausted.
        class_weight: optional dict applied to each batch's targets.
        pad: pad short batches to the first one's size (ember's own
            steps), or keep their real size (a model's own steps).
    """

    def __init__(
        self, source, steps_per_epoch=None, class_weight=None, pad=True
    ):
        self._factory = source if callable(source) else None
        self._iterator = None if callable(source) else iter(source)
        if steps_per_epoch is not None:
            steps_per_epoch = check_batch_size(
                steps_per_epoch, None, "steps_per_epoch"
            )
        self.steps_per_epoch = steps_per_epoch
        self.class_weight = class_weight
        self.pad = pad
        self.batch_size = None
        self.host = None  # applied to each batch's x (a model's host stage)
        self._peeked = None
        self._fresh = False
        self._weighted = None
        self._replay = None  # a plain generator's first batches (raw)
        self._pending = []  # raw batches to give before the iterator's
        self._used_up = False  # the iterator raised StopIteration
        self._restart = False  # the next epoch starts a new pass
        # True once an epoch had no batch: training stops.
        self.ran_out = False
        # True when the data ran out during the epoch: Keras' warning is
        # given and training goes on with the next epoch.
        self.cut_short = False

    # The source interface (see `ember.training.data.source`): a generator
    # decides its own order, and its chunks are stacked on the host.
    seed = None
    on_device = False
    # What messages call the source.
    description = "generator"

    @property
    def num_steps(self) -> int | None:
        """Batches in one epoch; None when unknown."""
        return self.steps_per_epoch

    def _adapt(self, item) -> ArrayData:
        x, y, sample_weight = unpack_x_y_sample_weight(item)
        data = adapt(x, y, sample_weight, self.class_weight)
        if self.host is not None:
            data = data._replace(x=self.host(data.x))
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
            if self._factory is None:
                if self._replay is None:  # Keras reads two batches ahead.
                    self._replay = list(itertools.islice(self._iterator, 2))
                    self._pending = list(self._replay)
                    self._fresh = True
            elif self._iterator is None or not self._pending:
                if self._iterator is None:
                    self._iterator = iter(self._factory())
                    self._fresh = True
                self._pending = list(itertools.islice(self._iterator, 1))
            first = self._replay if self._factory is None else self._pending
            if not first:
                raise ValueError(
                    f"The {self.description} yielded no batch: expected at "
                    "least one batch x, (x, y) or (x, y, sample_weight)."
                )
            self._peeked = self._adapt(first[0])
        return self._peeked

    def check_like_first(self, data: ArrayData, step: int) -> None:
        """Raises a ValueError when batch `step` of the epoch differs from
        the first batch in structure, rank or feature size (last axis).

        Other axes may vary (sequences of another length start a chunk of
        their own); the batch size may shrink (a last partial batch).
        """
        first = self.peek()
        for part in ("x", "y", "sample_weight"):
            expected, received = getattr(first, part), getattr(data, part)
            error = _difference(expected, received)
            if error is None:
                continue
            raise ValueError(
                f"Batch {step} of the {self.description} does not match its "
                f"first batch: `{part}` {error}. Every batch must have the "
                "first batch's structure, rank and last-axis size."
            )

    def _next(self) -> ArrayData | None:
        if self._pending:
            return self._adapt(self._pending.pop(0))
        try:
            return self._adapt(next(self._iterator))
        except StopIteration:
            self._used_up = True
            return None

    def restart(self) -> None:
        """Makes the next epoch start a new pass, as each of Keras'
        `evaluate` runs does (validation in `fit` included): a plain
        generator gives its two batches read ahead again, then goes on."""
        self._restart = True

    def _start_epoch(self) -> None:
        restart = (
            self._iterator is None
            or self.steps_per_epoch is None
            or self._used_up
            or self._restart
        )
        self._restart = False
        if self._factory is None:
            self.peek()
            if restart and not self._fresh:
                self._pending = list(self._replay)
        elif restart and not self._fresh:
            self._iterator = iter(self._factory())
            self._pending = []
        if restart:
            self._used_up = False
        self._fresh = False

    def batches(self, epoch: int = 0) -> Iterator[Batch]:
        """The batches of one epoch, padded to the first batch's size."""
        del epoch  # A generator decides its own order.
        self._start_epoch()
        step = 0
        while self.steps_per_epoch is None or step < self.steps_per_epoch:
            data = self._next()
            if data is None:
                break
            if self.batch_size is None:
                self.batch_size = data.num_samples
            self.check_like_first(data, step)
            yield make_batch(*data, self.batch_size, self.pad)
            step += 1
        self.ran_out = step == 0 and self._factory is not None
        # Keras warns whenever a plain generator ends an epoch by running
        # out (also without `steps_per_epoch`).
        self.cut_short = self._used_up and (
            self._factory is None
            or (self.steps_per_epoch is not None and step > 0)
        )

    def chunks(self, epoch: int = 0, steps_per_chunk=1, skip: int = 0):
        """The chunks of one epoch (see `stack_chunks`), without its first
        `skip` batches (already done by a fit that is resumed: they are
        read from the generator and dropped)."""
        left = max((self.steps_per_epoch or 1) - skip, 1)
        k = chunk_steps(steps_per_chunk, left)
        batches = itertools.islice(self.batches(epoch), skip, None)
        return stack_chunks(batches, k)

    def first_chunk(self) -> Chunk:
        """A one-step chunk of the first batch (to trace or time a step)."""
        data = self.peek()
        return next(stack_chunks([make_batch(*data, data.num_samples)], 1))
