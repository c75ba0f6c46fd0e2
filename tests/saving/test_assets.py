"""Layers' assets in `.keras` archives: a TextVectorization's vocabulary is
stored as Keras stores it (`assets/<layer path>/vocabulary.txt`, one token
a line, beside the weights), read back with the same predictions, and read
from an archive built by hand in Keras' layout."""

import io
import json
import zipfile

import h5py
import numpy as np
import pytest

import ember

L = ember.layers
TEXTS = np.array(["the cat sat", "the dog ran", "a cat ran fast", "dogs"])
LABELS = np.array([1, 0, 1, 0], "float32")
ASSET = "assets/layers/text_vectorization/vocabulary.txt"
INNER_ASSET = "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt"


def text_model(**kwargs):
    ember.utils.set_random_seed(0)
    vectorize = L.TextVectorization(**kwargs)
    vectorize.adapt(TEXTS)
    model = ember.Sequential(
        [
            vectorize,
            L.Embedding(20, 4),
            L.GlobalAveragePooling1D(),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile("adam", "binary_crossentropy")
    model.fit(TEXTS, LABELS, epochs=1, batch_size=2, verbose=0)
    return model


def test_vocabulary_round_trip(tmp_path):
    model = text_model(max_tokens=20, output_sequence_length=5)
    path = tmp_path / "text.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        vocabulary = zf.read(ASSET).decode()
    assert {ASSET, INNER_ASSET} <= set(names)
    expected = model.layers[0].get_vocabulary()
    assert vocabulary == "\n".join(expected)
    loaded = ember.saving.load_model(path)
    assert loaded.layers[0].get_vocabulary() == expected
    np.testing.assert_allclose(
        loaded.predict(TEXTS, verbose=0), model.predict(TEXTS, verbose=0)
    )


def test_tf_idf_weights_and_vocabulary_round_trip():
    ember.utils.set_random_seed(0)
    inputs = ember.Input(shape=(1,), dtype="string")
    vectorize = L.TextVectorization(output_mode="tf_idf")
    vectorize.adapt(TEXTS)
    model = ember.Model(inputs, L.Dense(2)(vectorize(inputs)))
    buffer = io.BytesIO()
    model.save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        weights = h5py.File(io.BytesIO(zf.read("model.weights.h5")))
        stored = weights["layers/text_vectorization/vars/idf_weights"][()]
    np.testing.assert_allclose(stored, vectorize._lookup_layer.idf_weights)
    loaded = ember.saving.load_model(io.BytesIO(buffer.getvalue()))
    np.testing.assert_allclose(
        loaded.predict(TEXTS, verbose=0), model.predict(TEXTS, verbose=0)
    )
    assert loaded.layers[1].get_vocabulary() == vectorize.get_vocabulary()


def test_a_vocabulary_in_the_config_writes_no_asset(tmp_path):
    inputs = ember.Input(shape=(2,), dtype="string")
    model = ember.Model(inputs, L.StringLookup(vocabulary=["a", "b"])(inputs))
    path = tmp_path / "lookup.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert not [n for n in zf.namelist() if n.startswith("assets/")]
    loaded = ember.saving.load_model(path)
    assert loaded.predict(np.array([["b", "z"]]), verbose=0).tolist() == [
        [2, 0]
    ]


def _policy():
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": "float32"},
        "registered_name": None,
    }


def _keras_layout_archive() -> bytes:
    """A `.keras` file as Keras 3 writes one for
    `Sequential([Input((1,), "string"), TextVectorization(...),
    Embedding(5, 1), GlobalAveragePooling1D()])`."""
    layers = [
        {
            "module": "keras.layers",
            "class_name": "InputLayer",
            "config": {
                "batch_shape": [None, 1],
                "dtype": "string",
                "sparse": False,
                "ragged": False,
                "name": "input_layer",
            },
            "registered_name": None,
        },
        {
            "module": "keras.layers",
            "class_name": "TextVectorization",
            "config": {
                "name": "text_vectorization",
                "trainable": True,
                "dtype": _policy(),
                "max_tokens": None,
                "standardize": "lower_and_strip_punctuation",
                "split": "whitespace",
                "ngrams": None,
                "output_mode": "int",
                "output_sequence_length": 3,
                "pad_to_max_tokens": False,
                "sparse": False,
                "ragged": False,
                "vocabulary": None,
                "idf_weights": None,
                "encoding": "utf-8",
                "vocabulary_size": 5,
            },
            "registered_name": None,
            "build_config": {"input_shape": [None, 1]},
        },
        {
            "module": "keras.layers",
            "class_name": "Embedding",
            "config": {
                "name": "embedding",
                "trainable": True,
                "dtype": _policy(),
                "input_dim": 5,
                "output_dim": 1,
                "embeddings_initializer": {
                    "module": "keras.initializers",
                    "class_name": "RandomUniform",
                    "config": {"seed": None, "minval": -0.05, "maxval": 0.05},
                    "registered_name": None,
                },
                "embeddings_regularizer": None,
                "activity_regularizer": None,
                "embeddings_constraint": None,
                "mask_zero": False,
            },
            "registered_name": None,
            "build_config": {"input_shape": [None, 3]},
        },
        {
            "module": "keras.layers",
            "class_name": "GlobalAveragePooling1D",
            "config": {
                "name": "global_average_pooling1d",
                "trainable": True,
                "dtype": _policy(),
                "data_format": "channels_last",
                "keepdims": False,
            },
            "registered_name": None,
            "build_config": {"input_shape": [None, 3, 1]},
        },
    ]
    config = {
        "module": "keras",
        "class_name": "Sequential",
        "config": {
            "name": "sequential",
            "trainable": True,
            "dtype": _policy(),
            "layers": layers,
        },
        "registered_name": None,
        "build_config": {"input_shape": [None, 1]},
    }
    weights = io.BytesIO()
    with h5py.File(weights, "w") as f:
        f.create_group("vars")
        for path in (
            "layers/text_vectorization",
            "layers/text_vectorization/_lookup_layer",
            "layers/global_average_pooling1d",
        ):
            f.create_group(f"{path}/vars")
        table = np.array([[0.0], [1.0], [20.0], [30.0], [40.0]], "float32")
        f.create_dataset("layers/embedding/vars/0", data=table)
    # Keras writes `"\n".join(vocabulary)`: the padding token "" first.
    vocabulary = "\n".join(["", "[UNK]", "the", "cat", "sat"]).encode()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(
            "metadata.json",
            json.dumps({"keras_version": "3.13.0", "date_saved": "x"}),
        )
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("model.weights.h5", weights.getvalue())
        zf.writestr(INNER_ASSET, vocabulary)
        zf.writestr(ASSET, vocabulary)
    return archive.getvalue()


def test_an_archive_in_keras_layout_is_read(tmp_path):
    path = tmp_path / "keras_made.keras"
    path.write_bytes(_keras_layout_archive())
    model = ember.saving.load_model(path)
    vectorize = model.layers[0]
    assert vectorize.get_vocabulary() == ["", "[UNK]", "the", "cat", "sat"]
    # "The cat!" -> [2, 3, 0] -> mean(20, 30, 0); "dog sat sat sat" ->
    # [1, 4, 4] -> mean(1, 40, 40).
    out = model.predict(np.array(["The cat!", "dog sat sat sat"]), verbose=0)
    np.testing.assert_allclose(out, [[50 / 3], [27.0]], rtol=1e-6)


def test_a_failing_asset_write_keeps_the_previous_file(tmp_path, monkeypatch):
    model = text_model(output_sequence_length=4)
    path = tmp_path / "text.keras"
    model.save(path)
    before = path.read_bytes()

    def broken(self, dir_path):
        raise OSError("disk full")

    monkeypatch.setattr(L.TextVectorization, "save_assets", broken)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["text.keras"]


def test_an_asset_leaving_the_archive_is_refused(tmp_path):
    data = io.BytesIO(_keras_layout_archive())
    with zipfile.ZipFile(data, "a") as zf:
        zf.writestr("assets/../../escape.txt", "x")
    path = tmp_path / "bad.keras"
    path.write_bytes(data.getvalue())
    with pytest.raises(ValueError, match=r"leaves the archive's folder"):
        ember.saving.load_model(path)
    assert not (tmp_path / "escape.txt").exists()
