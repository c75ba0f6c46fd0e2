"""Checks of epoch iteration: shuffling, padding, chunks, generators."""

import numpy as np
import pytest

from ember.training.data import ArrayIterator
from ember.training.data import GeneratorIterator
from ember.training.data import adapt


def _ids(batches):
    """Real sample ids (x holds the id) of a sequence of batches."""
    return np.concatenate([b.x[b.mask > 0] for b in batches])


def test_every_sample_once_per_epoch_and_padding_weights_zero():
    data = adapt(np.arange(10), np.arange(10), np.ones(10))
    it = ArrayIterator(data, batch_size=4, shuffle=True, seed=0)
    for epoch in range(3):
        batches = list(it.batches(epoch))
        assert len(batches) == it.num_steps == 3
        assert all(b.x.shape == (4,) for b in batches)
        np.testing.assert_array_equal(np.sort(_ids(batches)), np.arange(10))
        last = batches[-1]
        np.testing.assert_array_equal(last.mask, [1, 1, 0, 0])
        np.testing.assert_array_equal(last.sample_weight[2:], [0, 0])
        total = sum(float(b.sample_weight.sum()) for b in batches)
        assert total == 10


def test_shuffle_is_reproducible_and_changes_per_epoch():
    data = adapt(np.arange(50))
    a = ArrayIterator(data, batch_size=8, shuffle=True, seed=3)
    b = ArrayIterator(data, batch_size=8, shuffle=True, seed=3)
    ids0 = _ids(a.batches(0))
    np.testing.assert_array_equal(ids0, _ids(b.batches(0)))
    assert not np.array_equal(ids0, _ids(a.batches(1)))


def test_shuffle_false_preserves_order():
    data = adapt(np.arange(7))
    it = ArrayIterator(data, batch_size=3, shuffle=False)
    np.testing.assert_array_equal(_ids(it.batches(0)), np.arange(7))


def test_batch_shuffle_keeps_blocks():
    data = adapt(np.arange(10))
    it = ArrayIterator(data, batch_size=4, shuffle="batch", seed=1)
    batches = list(it.batches(0))
    for b in batches[:2]:
        assert len(set(b.x // 4)) == 1  # each full block stays together
    np.testing.assert_array_equal(np.sort(_ids(batches)), np.arange(10))


def test_chunk_shapes_constant_and_last_chunk_masked():
    data = adapt(np.zeros((10, 3)), np.zeros(10), np.ones(10))
    it = ArrayIterator(data, batch_size=2, shuffle=True, seed=0)
    chunks = list(it.chunks(0, steps_per_chunk=3))  # 5 steps: 3 + 2
    assert [c.num_steps for c in chunks] == [3, 2]
    for c in chunks:
        assert c.batch.x.shape == (3, 2, 3)
        assert c.batch.sample_weight.shape == (3, 2)
        assert c.batch.mask.shape == (3, 2)
    np.testing.assert_array_equal(chunks[1].step_mask, [1, 1, 0])
    assert chunks[1].batch.sample_weight[2].sum() == 0
    assert chunks[1].batch.mask[2].sum() == 0
    assert sum(float(c.batch.sample_weight.sum()) for c in chunks) == 10


def test_steps_per_epoch_streams_across_passes():
    data = adapt(np.arange(6))
    it = ArrayIterator(data, batch_size=2, steps_per_epoch=2)
    e0, e1 = _ids(it.batches(0)), _ids(it.batches(1))
    np.testing.assert_array_equal(e0, [0, 1, 2, 3])
    np.testing.assert_array_equal(e1, [4, 5, 0, 1])


def test_dict_inputs_and_multi_outputs_batch_together():
    x = {"a": np.arange(5), "b": np.arange(5) * 10}
    y = [np.arange(5), np.arange(5) + 100]
    data = adapt(x, y, sample_weight=np.ones(5))
    it = ArrayIterator(data, batch_size=2, shuffle=True, seed=0)
    for b in it.batches(0):
        np.testing.assert_array_equal(b.x["b"], b.x["a"] * 10)
        np.testing.assert_array_equal(b.y[1], b.y[0] + 100)
        assert isinstance(b.sample_weight, list)


def test_predict_without_targets():
    it = ArrayIterator(adapt(np.arange(3)), batch_size=2)
    batches = list(it.batches(0))
    assert batches[0].y is None and batches[0].sample_weight is None
    assert batches[1].mask.tolist() == [1.0, 0.0]


def test_generator_batches_padded_to_first_batch_size():
    def gen():
        yield np.zeros((4, 2)), np.ones(4), np.ones(4)
        yield np.zeros((4, 2)), np.ones(4), np.full(4, 2.0)
        yield np.zeros((1, 2)), np.ones(1)  # weights 1 once weighted

    it = GeneratorIterator(gen)
    batches = list(it.batches(0))
    assert [b.x.shape for b in batches] == [(4, 2)] * 3
    np.testing.assert_array_equal(batches[1].sample_weight, [2, 2, 2, 2])
    np.testing.assert_array_equal(batches[2].mask, [1, 0, 0, 0])
    np.testing.assert_array_equal(batches[2].sample_weight, [1, 0, 0, 0])
    assert len(list(it.batches(1))) == 3  # a callable restarts per epoch
    chunks = list(it.chunks(2, steps_per_chunk=2))
    assert [c.num_steps for c in chunks] == [2, 1]


def test_generator_object_continues_with_steps_per_epoch():
    source = ((np.full((2, 1), i), np.zeros(2)) for i in range(4))
    it = GeneratorIterator(source, steps_per_epoch=2)
    assert [b.x[0, 0] for b in it.batches(0)] == [0, 1]
    assert [b.x[0, 0] for b in it.batches(1)] == [2, 3]


def test_generator_errors():
    late = GeneratorIterator(
        iter([(np.ones(2), np.ones(2))] + [(np.ones(2),) * 3])
    )
    with pytest.raises(ValueError, match="first batch had no sample weights"):
        list(late.batches(0))
    it = GeneratorIterator(iter([(1, 2, 3, 4)]))
    with pytest.raises(ValueError, match="length 4"):
        list(it.batches(0))
    big = GeneratorIterator(iter([np.zeros(2), np.zeros(3)]))
    with pytest.raises(ValueError, match="more than batch_size=2"):
        list(big.batches(0))


def test_bad_steps_are_named():
    it = ArrayIterator(adapt(np.arange(3)), batch_size=2)
    with pytest.raises(ValueError, match="`steps_per_chunk` must be"):
        list(it.chunks(0, steps_per_chunk=0))
    with pytest.raises(ValueError, match="`steps_per_epoch` must be"):
        ArrayIterator(adapt(np.arange(3)), steps_per_epoch=-1)
