"""tf.data, torch DataLoader and grain datasets in `fit`, `evaluate` and
`predict`.

They are recognised by their type's class names and modules, so the
recognition and the epoch logic are tested here with stand-in classes
that carry those names (no library needed); the same checks then run on
the real libraries where they are installed (torch, tensorflow, grain are
optional and skipped with a reason when absent).
"""

import numpy as np
import pytest

import ember
from ember.training.data import DatasetIterator
from ember.training.data import dataset_kind
from ember.training.data import make_source


def _data(n=40):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    return x, y


def _model():
    ember.utils.set_random_seed(0)
    model = ember.Sequential(
        [
            ember.Input(shape=(3,)),
            ember.layers.Dense(4, activation="tanh"),
            ember.layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def _weights(model):
    return [np.array(w.numpy()) for w in model.weights]


class _Tensor:
    """A stand-in for a library's tensor: numpy through `__array__`."""

    def __init__(self, array):
        self.array = array
        self.dtype = array.dtype
        self.shape = array.shape

    def __array__(self, dtype=None, copy=None):
        return self.array


def _stand_in(name, module, cardinality=None):
    """A class named and placed like a library's dataset type, iterating
    `(x, y)` batches of `_Tensor`s (a fresh pass per `iter`)."""

    def __init__(self, x, y, batch_size):
        self.x, self.y, self.batch_size, self.passes = x, y, batch_size, 0

    def __iter__(self):
        self.passes += 1
        for start in range(0, len(self.x), self.batch_size):
            rows = slice(start, start + self.batch_size)
            yield _Tensor(self.x[rows]), _Tensor(self.y[rows])

    namespace = {"__init__": __init__, "__iter__": __iter__}
    if cardinality is not None:
        namespace["cardinality"] = lambda self: cardinality(self)
    cls = type(name, (), namespace)
    cls.__module__ = module
    return cls


def _batches_of(self):
    return -(-len(self.x) // self.batch_size)


TF_DATASET = _stand_in(
    "DatasetV2", "tensorflow.python.data.ops.dataset_ops", _batches_of
)
TF_UNKNOWN = _stand_in(
    "DatasetV2", "tensorflow.python.data.ops.dataset_ops", lambda self: -2
)
GRAIN_MAP = _stand_in("MapDataset", "grain._src.python.dataset.dataset")
GRAIN_LOADER = _stand_in("DataLoader", "grain._src.python.data_loader")


class _TfSubclass(TF_DATASET):  # e.g. a `_BatchDataset`
    pass


def test_library_datasets_are_recognised_by_their_types_module():
    x, y = _data()
    assert dataset_kind(TF_DATASET(x, y, 8)) == "tf.data.Dataset"
    assert dataset_kind(_TfSubclass(x, y, 8)) == "tf.data.Dataset"
    assert dataset_kind(GRAIN_MAP(x, y, 8)) == "grain dataset"
    assert dataset_kind(GRAIN_LOADER(x, y, 8)) == "grain dataset"
    # The same class names elsewhere are not datasets of those libraries.
    for name, module in [("DataLoader", "mylib"), ("DatasetV2", "tflite")]:
        other = _stand_in(name, module)
        assert dataset_kind(object.__new__(other)) is None
    assert dataset_kind(np.zeros(3)) is None


def test_an_epoch_is_one_pass_of_known_or_unknown_length():
    x, y = _data()
    known = make_source(TF_DATASET(x, y, 16))
    assert isinstance(known, DatasetIterator)
    assert known.num_steps == 3  # the cardinality
    assert make_source(TF_UNKNOWN(x, y, 16)).num_steps is None
    assert make_source(GRAIN_MAP(x, y, 16)).num_steps is None  # as Keras
    dataset = GRAIN_MAP(x, y, 16)
    source = make_source(dataset)
    for epoch in range(2):
        batches = list(source.batches(epoch))
        assert [int(b.mask.sum()) for b in batches] == [16, 16, 8]
    assert dataset.passes == 2  # the first batch read ahead is reused


@pytest.mark.parametrize("dataset", [TF_DATASET, TF_UNKNOWN, GRAIN_MAP])
def test_fit_on_a_dataset_ends_with_the_weights_of_numpy(dataset):
    x, y = _data()
    reference = _model()
    expected = reference.fit(
        x,
        y,
        batch_size=16,  # the last batch is partial
        epochs=2,
        validation_data=(x[:16], y[:16]),
        shuffle=False,
        verbose=0,
    ).history
    model = _model()
    history = model.fit(
        dataset(x, y, 16),
        epochs=2,
        validation_data=dataset(x[:16], y[:16], 8),
        verbose=0,
    ).history
    for a, b in zip(_weights(model), _weights(reference), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    for key in ("loss", "mae", "val_loss"):
        np.testing.assert_allclose(history[key], expected[key], rtol=1e-6)
    np.testing.assert_allclose(
        model.evaluate(dataset(x, y, 16), verbose=0),
        reference.evaluate(x, y, verbose=0),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        model.predict(dataset(x, y, 16), verbose=0),
        reference.predict(x, verbose=0),
        rtol=1e-6,
    )


def test_steps_per_epoch_continues_the_pass():
    x, y = _data(32)
    source = make_source(GRAIN_MAP(x, y, 8), steps_per_epoch=2)
    first = [b.y for b in source.batches(0)]
    second = [b.y for b in source.batches(1)]
    np.testing.assert_array_equal(first[0], y[:8])
    np.testing.assert_array_equal(second[0], y[16:24])


def test_arguments_of_arrays_are_refused_naming_the_dataset():
    x, y = _data()
    model = _model()
    before = _weights(model)
    with pytest.raises(
        ValueError,
        match=r"`y` must not be given when `x` is a tf.data.Dataset: its "
        r"batches hold \(x, y\) or \(x, y, sample_weight\). Received y of "
        "type ndarray.",
    ):
        model.fit(TF_DATASET(x, y, 8), y, verbose=0)
    with pytest.raises(
        ValueError,
        match="`validation_split` is only supported for in-memory arrays; "
        "received a grain dataset.",
    ):
        model.fit(GRAIN_MAP(x, y, 8), validation_split=0.2, verbose=0)
    for a, b in zip(_weights(model), before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_an_empty_dataset_is_refused_naming_it():
    x, y = _data()
    model = _model()
    with pytest.raises(
        ValueError,
        match=r"The tf.data.Dataset yielded no batch: expected at least one "
        r"batch x, \(x, y\) or \(x, y, sample_weight\).",
    ):
        model.fit(TF_DATASET(x[:0], y[:0], 8), verbose=0)
    with pytest.raises(
        ValueError,
        match=r'Model "\w+" cannot predict: `x` is a grain dataset '
        "that yielded no batch",
    ):
        model.predict(GRAIN_MAP(x[:0], y[:0], 8), verbose=0)


# -- the real libraries -------------------------------------------------------


def _check_same_as_numpy(make_dataset, shuffle_reference=False):
    """Fit / evaluate / predict on `make_dataset(x, y, batch_size)` against
    the same numpy arrays."""
    x, y = _data()
    reference = _model()
    reference.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    model = _model()
    model.fit(make_dataset(x, y, 16), epochs=2, verbose=0)
    for a, b in zip(_weights(model), _weights(reference), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        model.evaluate(make_dataset(x, y, 16), verbose=0),
        reference.evaluate(x, y, verbose=0),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        model.predict(make_dataset(x, y, 16), verbose=0),
        reference.predict(x, verbose=0),
        rtol=1e-6,
    )


def test_torch_data_loader():
    torch = pytest.importorskip("torch", reason="torch is an optional extra")
    from torch.utils.data import DataLoader
    from torch.utils.data import TensorDataset

    def loader(x, y, batch_size):
        tensors = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
        return DataLoader(tensors, batch_size=batch_size)

    x, y = _data()
    source = make_source(loader(x, y, 16))
    assert source.description == "torch DataLoader"
    assert source.num_steps == 3  # len(loader)
    _check_same_as_numpy(loader)

    class Rows(torch.utils.data.IterableDataset):  # no length
        def __iter__(self):
            rows = zip(torch.from_numpy(x), torch.from_numpy(y), strict=True)
            return iter(rows)

    assert make_source(DataLoader(Rows(), batch_size=16)).num_steps is None
    # Tensors themselves are arrays (a tensor that requires grad too).
    model = _model()
    model.fit(
        torch.from_numpy(x).requires_grad_(),
        torch.from_numpy(y),
        batch_size=16,
        epochs=2,
        shuffle=False,
        verbose=0,
    )
    reference = _model()
    reference.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(_weights(model), _weights(reference), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    model = _model()
    with pytest.raises(ValueError, match="received a torch DataLoader whose"):
        model.fit(DataLoader(torch.from_numpy(x), batch_size=8), verbose=0)


def test_tf_data_dataset():
    tf = pytest.importorskip(
        "tensorflow", reason="tensorflow is an optional extra"
    )

    def dataset(x, y, batch_size):
        return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)

    x, y = _data()
    assert make_source(dataset(x, y, 16)).num_steps == 3
    _check_same_as_numpy(dataset)


def test_grain_map_dataset():
    grain = pytest.importorskip("grain", reason="grain is an optional extra")

    def dataset(x, y, batch_size):
        rows = grain.MapDataset.source(list(zip(x, y, strict=True)))
        return rows.batch(batch_size)

    _check_same_as_numpy(dataset)
