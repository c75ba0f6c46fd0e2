"""`make_source`: the one place that picks a data source, and the source
interface every kind implements."""

import numpy as np
import pytest

from ember.training.data import ArrayIterator
from ember.training.data import DeviceFeed
from ember.training.data import GeneratorIterator
from ember.training.data import PyDataset
from ember.training.data import adapt
from ember.training.data import make_source
from ember.training.data import source as source_lib

X = np.arange(20, dtype="float32").reshape(10, 2)
Y = np.arange(10, dtype="float32")


def _batches(batch_size=4):
    for start in range(0, 10, batch_size):
        yield X[start : start + batch_size], Y[start : start + batch_size]


class _Dataset(PyDataset):
    def __len__(self):
        return 3

    def __getitem__(self, index):
        return X[index * 4 : index * 4 + 4], Y[index * 4 : index * 4 + 4]


def test_each_kind_of_data_gets_its_source(monkeypatch):
    data = adapt(X, Y)
    assert type(make_source(data, 5)) is DeviceFeed
    # A last partial batch at its real size (a model's own steps) is
    # batched on the host; whole batches stay on the device.
    assert type(make_source(data, 4, pad=False)) is ArrayIterator
    assert type(make_source(data, 5, pad=False)) is DeviceFeed
    monkeypatch.setattr(source_lib, "fits_on_device", lambda data: False)
    assert type(make_source(data, 5)) is ArrayIterator
    assert isinstance(make_source(_batches()), GeneratorIterator)
    assert type(make_source(_Dataset())).__name__ == "PyDatasetIterator"


@pytest.mark.parametrize("kind", ["device", "host", "generator"])
def test_every_source_skips_the_steps_already_done(kind, monkeypatch):
    if kind == "host":
        monkeypatch.setattr(source_lib, "fits_on_device", lambda data: False)
    data = _batches() if kind == "generator" else adapt(X, Y)
    source = make_source(data, 4, steps_per_epoch=3)
    assert source.on_device is (kind == "device")
    assert (source.seed is None) is (kind == "generator")
    chunks = list(source.chunks(0, 1, skip=1))
    assert len(chunks) == 2
    first = chunks[0]
    if kind == "device":
        rows = np.asarray(first.index)[int(first.start)]
        np.testing.assert_array_equal(rows, [4, 5, 6, 7])
    else:
        np.testing.assert_array_equal(first.batch.y[0], Y[4:8])
    # The last batch: padded to 4 rows, of which 2 are real.
    last = chunks[-1].batch_at(0) if kind == "device" else chunks[-1].batch
    np.testing.assert_array_equal(np.asarray(last.mask).ravel(), [1, 1, 0, 0])


def test_a_function_sizes_each_device_execution():
    source = make_source(adapt(X, Y), 2)  # 5 steps
    sizes = [3, 1, 9]
    chunks = list(source.chunks(0, lambda left: sizes.pop(0)))
    assert [int(c.num_steps) for c in chunks] == [3, 1, 1]
    assert [int(c.start) for c in chunks] == [0, 3, 4]


def test_unpadded_batches_keep_their_size_in_a_chunk_of_their_own():
    source = make_source(_batches(), pad=False)
    chunks = list(source.chunks(0, 2))
    assert [c.batch.mask.shape for c in chunks] == [(2, 4), (2, 2)]
    assert [c.num_steps for c in chunks] == [2, 1]
