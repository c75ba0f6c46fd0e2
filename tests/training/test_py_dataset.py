"""PyDataset as fit / evaluate / predict input: the same numbers as arrays,
epoch hooks, workers (threads and processes), shuffling and errors."""

import math
import threading

import numpy as np
import pytest

import ember
from ember import layers


class ArrayBatches(ember.utils.PyDataset):
    """Batches of in-memory arrays; records the calls it receives."""

    def __init__(self, x, y=None, weight=None, batch_size=4, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.weight = x, y, weight
        self.batch_size = batch_size
        self.calls = []
        self.threads = []

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        self.calls.append(index)
        self.threads.append(threading.get_ident())
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        if self.y is None:
            return self.x[rows]
        if self.weight is None:
            return self.x[rows], self.y[rows]
        return self.x[rows], self.y[rows], self.weight[rows]

    def on_epoch_begin(self):
        self.calls.append("begin")

    def on_epoch_end(self):
        self.calls.append("end")


def _data(n=10):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    return x, y


def _linear_model():
    model = ember.Sequential(
        [
            ember.Input((3,)),
            layers.Dense(1, use_bias=False, kernel_initializer="zeros"),
        ]
    )
    model.compile(optimizer=ember.optimizers.SGD(0.1), loss="mse")
    return model


def _hand_sgd(x, y, batch_size, epochs, lr=0.1, weight=None):
    """SGD on mse for y = x @ w by hand: the mean over a batch of
    weight * (x w - y)^2, whose gradient is 2 x^T (weight * (x w - y)) / n.
    """
    w = np.zeros((3, 1))
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for start in range(0, len(x), batch_size):
            rows = slice(start, start + batch_size)
            xb, yb = x[rows], y[rows]
            wb = np.ones((len(xb), 1)) if weight is None else weight[rows, None]
            error = xb @ w - yb
            total += float(np.sum(wb * error**2))
            count += len(xb)
            w = w - lr * 2 * xb.T @ (wb * error) / len(xb)
        losses.append(total / count)
    return w, losses


def test_fit_on_a_pydataset_equals_fit_on_the_arrays_and_by_hand():
    x, y = _data(10)  # batches of 4, 4 and 2: the last one is padded
    from_dataset = _linear_model()
    history = from_dataset.fit(
        ArrayBatches(x, y), epochs=2, shuffle=False, verbose=0
    )
    from_arrays = _linear_model()
    reference = from_arrays.fit(
        x, y, batch_size=4, epochs=2, shuffle=False, verbose=0
    )
    np.testing.assert_array_equal(
        from_dataset.get_weights()[0], from_arrays.get_weights()[0]
    )
    assert history.history["loss"] == reference.history["loss"]
    w, losses = _hand_sgd(x, y, 4, 2)
    np.testing.assert_allclose(from_dataset.get_weights()[0], w, rtol=1e-5)
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-5)


def test_sample_weights_from_the_dataset():
    x, y = _data(8)
    weight = np.array([1, 0, 2, 1, 0.5, 1, 3, 1], "float32")
    model = _linear_model()
    model.fit(ArrayBatches(x, y, weight), epochs=1, shuffle=False, verbose=0)
    w, _ = _hand_sgd(x, y, 4, 1, weight=weight)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-5)


def test_epoch_hooks_surround_each_epoch_in_order():
    x, y = _data(8)
    dataset = ArrayBatches(x, y)
    _linear_model().fit(dataset, epochs=2, shuffle=False, verbose=0)
    # Index 0 is read once first, to build the model.
    assert dataset.calls == [0, "begin", 0, 1, "end", "begin", 0, 1, "end"]


def test_shuffle_reads_each_batch_once_per_epoch_in_a_new_order():
    x, y = _data(40)
    dataset = ArrayBatches(x, y)
    ember.utils.set_random_seed(1)
    _linear_model().fit(dataset, epochs=2, verbose=0)
    epochs = [
        dataset.calls[i + 1 : i + 11]
        for i, c in enumerate(dataset.calls)
        if c == "begin"
    ]
    assert [sorted(e) for e in epochs] == [list(range(10))] * 2
    assert epochs[0] != list(range(10)) or epochs[1] != list(range(10))


def test_validation_data_and_evaluate_and_predict():
    x, y = _data(10)
    model = _linear_model()
    history = model.fit(
        x,
        y,
        batch_size=4,
        epochs=1,
        shuffle=False,
        validation_data=ArrayBatches(x, y),
        verbose=0,
    )
    evaluated = model.evaluate(ArrayBatches(x, y), verbose=0)
    expected = model.evaluate(x, y, batch_size=4, verbose=0)
    assert history.history["val_loss"] == [pytest.approx(expected)]
    assert evaluated == pytest.approx(expected)
    np.testing.assert_allclose(
        model.predict(ArrayBatches(x), verbose=0),
        model.predict(x, batch_size=4, verbose=0),
    )


def test_thread_workers_read_ahead_in_order():
    x, y = _data(40)
    dataset = ArrayBatches(x, y, workers=3, max_queue_size=4)
    threaded = _linear_model()
    threaded.fit(dataset, epochs=1, shuffle=False, verbose=0)
    plain = _linear_model()
    plain.fit(ArrayBatches(x, y), epochs=1, shuffle=False, verbose=0)
    np.testing.assert_array_equal(threaded.get_weights(), plain.get_weights())
    # Only the first read (to build the model) is in this thread.
    main = threading.get_ident()
    assert dataset.threads[0] == main
    assert main not in dataset.threads[1:] and len(dataset.threads) == 11


def test_steps_per_epoch_continues_the_pass():
    x, y = _data(16)
    dataset = ArrayBatches(x, y)
    _linear_model().fit(
        dataset, epochs=2, steps_per_epoch=2, shuffle=False, verbose=0
    )
    assert dataset.calls == [0, "begin", 0, 1, "end", "begin", 2, 3, "end"]


def test_a_pass_shorter_than_steps_per_epoch_warns_and_training_goes_on():
    # 3 batches, steps_per_epoch=2 (Keras' behaviour): epoch 1 finishes the
    # pass with 1 batch and warns, epoch 2 starts a new pass.
    x, y = _data(12)
    dataset = ArrayBatches(x, y)
    with pytest.warns(UserWarning, match="ran out of data") as record:
        history = _linear_model().fit(
            dataset, epochs=3, steps_per_epoch=2, shuffle=False, verbose=0
        )
    assert len([w for w in record if "ran out" in str(w.message)]) == 1
    assert history.epoch == [0, 1, 2]
    assert dataset.calls == [0] + [
        "begin", 0, 1, "end", "begin", 2, "end", "begin", 0, 1, "end"
    ]  # fmt: skip


def test_steps_per_epoch_above_the_length_warns_every_epoch():
    x, y = _data(12)
    dataset = ArrayBatches(x, y)
    with pytest.warns(UserWarning, match="ran out of data") as record:
        history = _linear_model().fit(
            dataset, epochs=2, steps_per_epoch=5, shuffle=False, verbose=0
        )
    assert len([w for w in record if "ran out" in str(w.message)]) == 2
    assert history.epoch == [0, 1]
    assert dataset.calls[1:] == ["begin", 0, 1, 2, "end"] * 2


def test_bad_batch_is_refused_with_keras_message():
    class Bad(ember.utils.PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, index):
            return (1, 2, 3, 4)

    with pytest.raises(ValueError, match="must return a tuple or a dict"):
        _linear_model().fit(Bad(), verbose=0)


def test_missing_super_init_warns_and_uses_defaults():
    class NoSuper(ember.utils.PyDataset):
        def __init__(self):
            pass

    with pytest.warns(UserWarning, match="should call `super"):
        assert NoSuper().workers == 1


def test_sequence_alias_and_num_batches():
    assert ember.utils.Sequence is ember.utils.PyDataset
    x, _ = _data(10)
    assert ArrayBatches(x).num_batches == 3
    with pytest.raises(NotImplementedError, match="must implement `__len__`"):
        _ = ember.utils.PyDataset().num_batches


@pytest.mark.slow
def test_process_workers_give_the_same_model():
    from tests.training._py_datasets import SquaresDataset

    processes = _linear_model()
    processes.fit(
        SquaresDataset(workers=2, use_multiprocessing=True),
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    plain = _linear_model()
    plain.fit(SquaresDataset(), epochs=1, shuffle=False, verbose=0)
    np.testing.assert_array_equal(processes.get_weights(), plain.get_weights())
