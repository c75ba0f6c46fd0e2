"""`PyDataset` (Keras' `keras.utils.PyDataset` / `Sequence`) and the
iterator that feeds one to `fit`, `evaluate` and `predict`.

A `PyDataset` returns whole batches by index. Each epoch calls
`on_epoch_begin`, reads the batches in order (shuffled order in `fit` when
`shuffle=True`, as Keras does), then calls `on_epoch_end`. With
`workers > 1` the batches are read by a pool of threads, up to
`max_queue_size` ahead, and handed over in order; with
`use_multiprocessing=True` by a pool of processes instead (see
`PyDataset` for what that asks of the dataset). Batches are then adapted
and padded like a generator's (`GeneratorIterator`).
"""

import concurrent.futures
import itertools
import multiprocessing
import random as python_random
import warnings
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any

from ember.training.data.adapters import ArrayData
from ember.training.data.generators import GeneratorIterator
from ember.training.data.generators import is_generator
from ember.training.data.iterator import Batch
from ember.training.data.iterator import make_batch
from ember.training.data.library_datasets import DatasetIterator
from ember.training.data.library_datasets import dataset_kind


class PyDataset:
    """Base class for datasets written in Python that return whole batches.

    Subclasses implement `__getitem__(index)`, returning the batch at
    `index` (`x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`), and
    `__len__()`, the number of batches (or the `num_batches` property,
    None for an endless dataset). `on_epoch_begin` and `on_epoch_end` are
    called around each epoch. Pass the dataset itself as `x` (or as
    `validation_data`) to `fit`, `evaluate` or `predict`.

    Args:
        workers: how many workers read batches in parallel during `fit`,
            `evaluate` and `predict` (1: read in the training thread).
        use_multiprocessing: read batches in worker processes instead of
            threads. ember starts them with `spawn` (JAX does not survive
            `fork`): the dataset is pickled into each worker, so it must be
            picklable and its class importable from a module; the
            processes are started for each epoch, after `on_epoch_begin`,
            so they see the state it sets. Batches must be picklable.
        max_queue_size: how many batches the workers may read ahead.

    Example:

    >>> class Batches(ember.utils.PyDataset):
    ...     def __init__(self, x, y, batch_size, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.x, self.y, self.batch_size = x, y, batch_size
    ...     def __len__(self):
    ...         return -(-len(self.x) // self.batch_size)
    ...     def __getitem__(self, index):
    ...         rows = slice(index * self.batch_size,
    ...                      (index + 1) * self.batch_size)
    ...         return self.x[rows], self.y[rows]
    """

    def __init__(
        self,
        workers: int = 1,
        use_multiprocessing: bool = False,
        max_queue_size: int = 10,
    ):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self) -> None:
        defaults = {
            "_workers": 1,
            "_use_multiprocessing": False,
            "_max_queue_size": 10,
        }
        missing = [name for name in defaults if not hasattr(self, name)]
        for name in missing:
            setattr(self, name, defaults[name])
        if missing:
            warnings.warn(
                "Your `PyDataset` class should call "
                "`super().__init__(**kwargs)` in its constructor. "
                "`**kwargs` can include `workers`, `use_multiprocessing`, "
                "`max_queue_size`. Do not pass these arguments to `fit()`, "
                "as they will be ignored.",
                stacklevel=3,
            )

    @property
    def workers(self) -> int:
        """How many workers read batches in parallel."""
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        """Whether the workers are processes rather than threads."""
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        """How many batches the workers may read ahead."""
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int) -> Any:
        """Returns the batch at position `index`."""
        raise NotImplementedError

    @property
    def num_batches(self) -> int | None:
        """The number of batches: `len(self)`, or None when endless."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__len__` or the "
            "`num_batches` property (None for an endless dataset)."
        )

    def __iter__(self) -> Iterator:
        """The batches in order (no parallelism, no epoch hooks)."""
        count = self.num_batches
        indices = itertools.count() if count is None else range(count)
        for index in indices:
            yield self[index]

    def on_epoch_begin(self) -> None:
        """Called at the beginning of every epoch."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch."""


# -- reading batches ----------------------------------------------------------
_WORKER_DATASET = None


def _start_worker(dataset: PyDataset) -> None:
    global _WORKER_DATASET
    _WORKER_DATASET = dataset


def _worker_item(index: int) -> Any:
    return _WORKER_DATASET[index]


def _standardize(item: Any) -> Any:
    """A batch as Keras reads it: an array is `(x,)`, a list a tuple."""
    if isinstance(item, dict):
        return item
    if isinstance(item, list):
        item = tuple(item)
    if hasattr(item, "shape") and hasattr(item, "dtype"):
        item = (item,)
    if not isinstance(item, tuple) or len(item) not in (1, 2, 3):
        raise ValueError(
            "PyDataset.__getitem__() must return a tuple or a dict. If a "
            "tuple, it must be ordered either (input,) or (inputs, targets) "
            "or (inputs, targets, sample_weights). Received: "
            f"{str(item)[:100]}... of type {type(item)}"
        )
    return item


def _read(dataset: PyDataset, indices: Iterable[int]) -> Iterator:
    """`dataset[i]` for each index, in order, maybe read by workers."""
    workers = dataset.workers
    processes = dataset.use_multiprocessing
    if not (workers > 1 or (workers > 0 and processes)):
        for index in indices:
            yield dataset[index]
        return
    if processes:
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(dataset,),
        )
        read = _worker_item
    else:
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
        read = dataset.__getitem__
    ahead = max(int(dataset.max_queue_size), 1)
    pending: list = []
    indices = iter(indices)
    try:
        for index in itertools.islice(indices, ahead):
            pending.append(pool.submit(read, index))
        while pending:
            item = pending.pop(0).result()
            for index in itertools.islice(indices, 1):
                pending.append(pool.submit(read, index))
            yield item
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class PyDatasetIterator(GeneratorIterator):
    """The batches of a `PyDataset`, epoch by epoch, padded as a
    generator's.

    Args:
        dataset: the `PyDataset`.
        steps_per_epoch: batches per epoch; `dataset.num_batches` when
            None. When given, an epoch continues the pass over the dataset
            where the previous one stopped, as in Keras.
        class_weight: optional dict applied to each batch's targets.
        shuffle: read each pass's batches in a random order (`fit`'s
            `shuffle`; Python's `random` draws the order, as in Keras).
        pad: as `GeneratorIterator`.
    """

    def __init__(
        self,
        dataset: PyDataset,
        steps_per_epoch: int | None = None,
        class_weight: dict | None = None,
        shuffle: bool = False,
        pad: bool = True,
    ):
        super().__init__(iter(()), steps_per_epoch, class_weight, pad)
        self.dataset = dataset
        self.description = f"PyDataset {type(dataset).__name__}"
        self.shuffle = shuffle
        self._order = None  # the current pass over the batches
        self._position = 0  # where in it the next epoch starts

    @property
    def num_steps(self) -> int | None:
        """Batches in one epoch; None when endless."""
        return self.steps_per_epoch or self.dataset.num_batches

    def peek(self) -> ArrayData:
        """The first batch, adapted (read outside any epoch)."""
        if self._peeked is None:
            if self.dataset.num_batches == 0:
                raise ValueError(
                    f"The PyDataset {type(self.dataset).__name__} has no "
                    "batch: its length is 0."
                )
            self._peeked = self._adapt(_standardize(self.dataset[0]))
        return self._peeked

    def restart(self) -> None:
        """Makes the next epoch start a new pass from the first batch."""
        self._order = None
        self._position = 0

    def _epoch_indices(self) -> Iterable[int]:
        """The indices one epoch reads: a whole pass, or `steps_per_epoch`
        indices continuing the current pass."""
        steps = self.num_steps
        count = self.dataset.num_batches
        if count is None:  # Endless: indices count on across epochs.
            start = self._position
            if steps is None:
                return itertools.count(start)
            self._position += steps
            return range(start, start + steps)
        fresh = self.steps_per_epoch is None or self._order is None
        if fresh or self._position >= len(self._order):
            self._order = list(range(count))
            if self.shuffle:
                python_random.shuffle(self._order)
            self._position = 0
        indices = self._order[self._position : self._position + steps]
        self._position += len(indices)
        return indices

    def items(self) -> Iterator:
        """One epoch of batches as `__getitem__` returns them (arrays as
        `(x,)`), between `on_epoch_begin` and `on_epoch_end`."""
        self.dataset.on_epoch_begin()
        for item in _read(self.dataset, self._epoch_indices()):
            yield _standardize(item)
        self.dataset.on_epoch_end()

    def batches(self, epoch: int = 0) -> Iterator[Batch]:
        """The batches of one epoch, padded to the first batch's size."""
        del epoch  # The order comes from the dataset and `shuffle`.
        if self.batch_size is None:
            self.batch_size = self.peek().num_samples
        step = 0
        for item in self.items():
            data = self._adapt(item)
            self.check_like_first(data, step)
            yield make_batch(*data, self.batch_size, self.pad)
            step += 1
        # As in Keras, a pass shorter than `steps_per_epoch` ends the epoch
        # early (with a warning) and the next epoch starts a new pass.
        self.ran_out = step == 0
        self.cut_short = (
            self.steps_per_epoch is not None and 0 < step < self.steps_per_epoch
        )


def is_batch_source(value: Any) -> bool:
    """Whether `value` gives whole batches: a generator, a `PyDataset`, or
    a tf.data, torch or grain dataset."""
    return (
        isinstance(value, PyDataset)
        or dataset_kind(value) is not None
        or is_generator(value)
    )


def describe_source(value: Any) -> str:
    """What messages call a batch source: `"a generator"`,
    `"a torch DataLoader"`..."""
    if isinstance(value, PyDataset):
        return "a PyDataset"
    kind = dataset_kind(value)
    return "a generator" if kind is None else f"a {kind}"


def host_iterator(
    source: Any,
    steps_per_epoch: int | None = None,
    class_weight: dict | None = None,
    shuffle: bool = False,
    pad: bool = True,
) -> GeneratorIterator:
    """The iterator over the batches of a generator, a `PyDataset`, or a
    tf.data, torch or grain dataset.

    `shuffle` applies to a `PyDataset` only (a generator or another
    library's dataset decides its own order); `pad` as
    `GeneratorIterator`.
    """
    if isinstance(source, PyDataset):
        return PyDatasetIterator(
            source, steps_per_epoch, class_weight, shuffle, pad
        )
    kind = dataset_kind(source)
    if kind is not None:
        return DatasetIterator(source, kind, steps_per_epoch, class_weight, pad)
    return GeneratorIterator(source, steps_per_epoch, class_weight, pad)
