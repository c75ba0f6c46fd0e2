"""Datasets of other libraries: tf.data, torch's DataLoader and grain.

Each is recognised by the names and modules of its type's classes, as
Keras does, so that no library is imported unless the object is one of
its types (ember never depends on them). Every epoch iterates a fresh
pass over the dataset; each batch is converted to numpy (`adapt`), and
padded like a generator's (`GeneratorIterator`). The epoch's
length is the dataset's own where it knows it: `len(loader)` for a torch
DataLoader over a sized dataset, the cardinality of a tf.data.Dataset;
otherwise (grain, as in Keras, and an unsized or infinite dataset) an
epoch runs until the pass ends, or for `steps_per_epoch` batches.
"""

from collections.abc import Iterator
from typing import Any

from ember.training.data.generators import GeneratorIterator

# (what the messages call it, class names, a part of their module's name)
_KINDS = (
    (
        "tf.data.Dataset",
        ("DatasetV2", "DistributedDataset", "DistributedDatasetsFromFunction"),
        "tensorflow.python.",
    ),
    ("torch DataLoader", ("DataLoader",), "torch.utils.data"),
    ("grain dataset", ("MapDataset", "IterDataset", "DataLoader"), "grain"),
)


def dataset_kind(value: Any) -> str | None:
    """`"tf.data.Dataset"`, `"torch DataLoader"` or `"grain dataset"` when
    `value` is one (or a subclass), else None."""
    for parent in type(value).__mro__:
        for kind, names, module in _KINDS:
            if parent.__name__ in names and module in str(parent.__module__):
                return kind
    return None


def _num_batches(dataset: Any, kind: str) -> int | None:
    """Batches in one pass, where the dataset knows it; else None."""
    if kind == "torch DataLoader":
        if not hasattr(dataset.dataset, "__len__"):
            return None
        return len(dataset)
    if kind == "tf.data.Dataset":
        count = dataset.cardinality
        count = int(count() if callable(count) else count)
        return count if count >= 0 else None  # unknown or infinite
    return None


def as_batch(batch: Any) -> Any:
    """`batch` as a generator's: a list (torch's default collation of
    `(x, y)`) becomes a tuple. Its tensors become numpy when adapted."""
    return tuple(batch) if isinstance(batch, list) else batch


class DatasetIterator(GeneratorIterator):
    """The batches of a tf.data.Dataset, torch DataLoader or grain dataset.

    Args:
        dataset: the dataset; iterated anew for each pass.
        kind: what `dataset_kind` says it is.
        steps_per_epoch: batches per epoch; the dataset's length when
            None. When given, an epoch continues the pass where the
            previous one stopped, as in Keras.
        class_weight: optional dict applied to each batch's targets.
        pad: as `GeneratorIterator`.
    """

    def __init__(
        self,
        dataset: Any,
        kind: str,
        steps_per_epoch: int | None = None,
        class_weight: dict | None = None,
        pad: bool = True,
    ):
        super().__init__(self.items, steps_per_epoch, class_weight, pad)
        self.dataset = dataset
        self.description = kind
        self.num_batches = _num_batches(dataset, kind)

    @property
    def num_steps(self) -> int | None:
        """Batches in one epoch; None when unknown."""
        return self.steps_per_epoch or self.num_batches

    def items(self) -> Iterator:
        """One pass over the dataset, batch by batch."""
        for batch in self.dataset:
            yield as_batch(batch)
