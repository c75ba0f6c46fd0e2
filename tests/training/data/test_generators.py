"""Batches from generators and datasets: unknown lengths, and the errors
for batches that do not fit together, each naming its source."""

import numpy as np
import pytest

import ember
from ember.training.data import PyDataset
from ember.training.data import make_source


def _data(n=40):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    return x, y


def _model(steps_per_execution=1):
    ember.utils.set_random_seed(0)
    model = ember.Sequential(
        [
            ember.Input(shape=(3,)),
            ember.layers.Dense(4, activation="tanh"),
            ember.layers.Dense(1),
        ]
    )
    model.compile(
        optimizer="sgd", loss="mse", steps_per_execution=steps_per_execution
    )
    return model


def _weights(model):
    return [np.array(w.numpy()) for w in model.weights]


def _batches(x, y, batch_size=8):
    for start in range(0, len(x), batch_size):
        yield x[start : start + batch_size], y[start : start + batch_size]


class _Seen(ember.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.steps, self.batches = self.params["steps"], []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append(batch)


def test_a_generator_of_unknown_length_runs_until_exhausted(capsys):
    x, y = _data()
    seen = _Seen()
    model = _model()
    with pytest.warns(UserWarning, match="ran out of data"):  # as Keras
        history = model.fit(_batches(x, y), callbacks=[seen], verbose=1)
    assert seen.steps is None  # the progress bar has no total
    assert seen.batches == [0, 1, 2, 3, 4]
    assert len(history.history["loss"]) == 1
    # Off a terminal, the epoch's one line counts the steps it ran.
    assert capsys.readouterr().out.startswith("5/5 - ")


class _Rows(PyDataset):
    def __init__(self, batches, **kwargs):
        super().__init__(**kwargs)
        self.batches = batches

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        return self.batches[index]


def _wider_later(x, y, bad):
    batches = list(_batches(x, y))
    batches[bad] = (np.ones((8, 4), "float32"), batches[bad][1])
    return batches


@pytest.mark.parametrize("kind", ["generator", "PyDataset"])
def test_a_batch_of_another_feature_width_is_refused_before_training(kind):
    x, y = _data()
    batches = _wider_later(x, y, 2)
    source = iter(batches) if kind == "generator" else _Rows(batches)
    name = "generator" if kind == "generator" else "PyDataset _Rows"
    model = _model(steps_per_execution=5)
    before = _weights(model)
    with pytest.raises(
        ValueError,
        match=rf"Batch 2 of the {name} does not match its first batch: `x` "
        r"has shape \(8, 4\), expected \(None, 3\). Every batch must have "
        "the first batch's structure, rank and last-axis size.",
    ):
        model.fit(source, shuffle=False, verbose=0)
    # The batch was read with the first chunk: no step ran.
    for a, b in zip(_weights(model), before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_bad_batch_read_ahead_leaves_the_steps_before_it_in_place():
    # One step per execution: batch 3 is read while step 2 runs; the error
    # comes once step 2's weights are back in the model.
    x, y = _data()
    model = _model()
    with pytest.raises(ValueError, match="Batch 3 of the generator"):
        model.fit(iter(_wider_later(x, y, 3)), verbose=0)
    reference = _model()
    reference.fit(x[:24], y[:24], batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(_weights(model), _weights(reference), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_targets_of_another_structure_or_width_are_refused():
    x, y = _data(16)
    model = _model()
    with pytest.raises(
        ValueError,
        match=r"Batch 1 of the generator does not match its first batch: "
        r"`y` has shape \(8, 2\), expected \(None, 1\)",
    ):
        model.fit(iter([(x[:8], y[:8]), (x[8:], np.ones((8, 2)))]), verbose=0)
    with pytest.raises(
        ValueError,
        match=r"Batch 1 of the generator does not match its first batch: "
        r"`x` has the structure PyTreeDef\(\[\*, \*\]\), expected "
        r"PyTreeDef\(\*\)",
    ):
        model.fit(iter([(x[:8], y[:8]), ([x[8:], x[8:]], y[8:])]), verbose=0)


@pytest.mark.parametrize("kind", ["generator", "PyDataset"])
def test_inputs_without_targets_are_refused_naming_the_source(kind):
    x, _ = _data(16)
    source = iter([x[:8], x[8:]]) if kind == "generator" else _Rows([x])
    model = _model()
    with pytest.raises(
        ValueError,
        match=r'Model "\w+" was compiled with a loss or metrics, so training '
        r"and evaluation need targets `y`; received a "
        rf"{kind} whose batches hold only x; expected batches \(x, y\) or "
        r"\(x, y, sample_weight\).",
    ):
        model.fit(source, verbose=0)
    with pytest.raises(ValueError, match=r"received `x` alone \(y=None\)"):
        model.evaluate(x, verbose=0)


def test_empty_sources_are_refused_naming_them():
    model = _model()
    with pytest.raises(
        ValueError, match="The generator yielded no batch: expected at least"
    ):
        model.fit(iter([]), verbose=0)
    with pytest.raises(
        ValueError, match="The PyDataset _Rows has no batch: its length is 0"
    ):
        model.evaluate(_Rows([]), verbose=0)
    with pytest.raises(
        ValueError, match="`x` is a PyDataset that yielded no batch"
    ):
        model.predict(_Rows([]), verbose=0)


def test_sequences_of_another_length_start_a_chunk_of_their_own():
    rng = np.random.default_rng(1)
    batches = [
        (rng.normal(size=(4, n, 2)), rng.normal(size=(4, 1))) for n in (5, 5, 7)
    ]
    ember.utils.set_random_seed(0)
    model = ember.Sequential(
        [
            ember.Input(shape=(None, 2)),
            ember.layers.GlobalAveragePooling1D(),
            ember.layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=4)
    history = model.fit(iter(batches), steps_per_epoch=3, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    chunks = make_source(iter(batches)).chunks(0, 4)
    assert [int(c.num_steps) for c in chunks] == [2, 1]
