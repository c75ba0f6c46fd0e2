import json
import os
import zipfile

import numpy as np
import pytest

import ember
from ember import layers
from ember.export import ExportArchive

RNG = np.random.default_rng(1)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


def _model():
    return ember.Sequential(
        [
            ember.Input((3,)),
            layers.Dense(4),
            layers.BatchNormalization(),
            layers.Dropout(0.5),
            layers.Dense(2),
        ],
        name="net",
    )


def _spec():
    return [ember.InputSpec(shape=(None, 3), dtype="float32")]


def test_two_endpoints_and_a_variable_collection(tmp_path, capsys):
    model = _model()
    archive = ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        "call_inference", lambda x: model(x, training=False), _spec()
    )
    archive.add_endpoint(
        "call_training", lambda x: model(x, training=True), _spec()
    )
    archive.add_variable_collection("my_vars", model.weights)
    path = tmp_path / "archive.zip"
    moving_mean = model.layers[1].moving_mean.numpy()
    archive.write_out(path)
    # Tracing in training mode did not touch the model's statistics.
    np.testing.assert_array_equal(
        model.layers[1].moving_mean.numpy(), moving_mean
    )
    out = capsys.readouterr().out
    assert "* Endpoint 'call_inference'" in out
    assert "* Endpoint 'call_training'" in out
    assert "* 'my_vars': 8 arrays" in out

    reloaded = ember.export.load(path)
    x = _x(8, 3) * 3 + 1
    np.testing.assert_allclose(
        np.asarray(reloaded.call_inference(x)),
        model.predict(x, verbose=0),
        atol=1e-5,
    )
    # Training mode: batch statistics and dropout, so not the inference
    # result; dropout zeroes inputs of the last Dense.
    training = np.asarray(reloaded.call_training(x))
    assert training.shape == (8, 2)
    assert not np.allclose(training, model.predict(x, verbose=0), atol=1e-3)
    # Calling the archive calls the first endpoint.
    np.testing.assert_allclose(
        np.asarray(reloaded(x)), model.predict(x, verbose=0), atol=1e-5
    )
    assert len(reloaded.my_vars) == len(model.weights)
    for array, variable in zip(reloaded.my_vars, model.weights, strict=True):
        assert isinstance(array, np.ndarray)
        np.testing.assert_array_equal(array, variable.numpy())
    assert sorted(reloaded.endpoints) == ["call_inference", "call_training"]


def test_weights_are_read_at_write_time(tmp_path):
    dense = layers.Dense(2)
    dense.build((None, 3))
    archive = ExportArchive()
    archive.track(dense)
    archive.add_endpoint("serve", dense.call, _spec())
    dense.kernel.assign(np.ones((3, 2), "float32"))
    dense.bias.assign(np.full((2,), 0.5, "float32"))
    archive.write_out(tmp_path / "dense.zip", verbose=False)
    reloaded = ember.export.load(tmp_path / "dense.zip")
    x = np.array([[1.0, 2.0, 3.0]], "float32")
    np.testing.assert_allclose(np.asarray(reloaded.serve(x)), [[6.5, 6.5]])


def test_track_and_add_endpoint_and_composed_endpoints(tmp_path):
    model = _model()
    archive = ExportArchive()
    model_fn = archive.track_and_add_endpoint("model_fn", model, None)
    archive.add_endpoint(
        "doubled",
        lambda x: 2.0 * model_fn(x),
        [ember.InputSpec(shape=(None, 3))],
    )
    archive.write_out(tmp_path / "a.zip", verbose=False)
    reloaded = ember.export.load(tmp_path / "a.zip")
    x = _x(4, 3)
    expected = model.predict(x, verbose=0)
    np.testing.assert_allclose(
        np.asarray(reloaded.model_fn(x)), expected, atol=1e-5
    )
    np.testing.assert_allclose(
        np.asarray(reloaded.doubled(x)), 2 * expected, atol=1e-5
    )


def test_endpoint_with_two_positional_arguments(tmp_path):
    archive = ExportArchive()
    archive.add_endpoint(
        "add",
        lambda a, b: a + b,
        [ember.InputSpec(shape=(None, 2)), ember.InputSpec(shape=(None, 2))],
    )
    archive.write_out(tmp_path / "add.zip", verbose=False)
    reloaded = ember.export.load(tmp_path / "add.zip")
    got = reloaded.add(np.ones((3, 2)), np.full((3, 2), 2.0))
    np.testing.assert_array_equal(np.asarray(got), np.full((3, 2), 3.0))


def test_dict_collection_and_bfloat16(tmp_path):
    a = ember.Variable(np.arange(3.0), name="a", dtype="bfloat16")
    b = ember.Variable(np.eye(2), name="b", dtype="float32")
    archive = ExportArchive()
    archive.add_endpoint(
        "serve", lambda x: x * 2, [ember.InputSpec(shape=(None,))]
    )
    archive.add_variable_collection("named", {"first": a, "second": b})
    archive.add_variable_collection("as_set", {b, a})
    archive.write_out(tmp_path / "v.zip", verbose=False)
    reloaded = ember.export.load(tmp_path / "v.zip")
    assert list(reloaded.named) == ["first", "second"]
    assert reloaded.named["first"].dtype.name == "bfloat16"
    np.testing.assert_array_equal(
        reloaded.named["first"].astype("float32"), [0.0, 1.0, 2.0]
    )
    np.testing.assert_array_equal(reloaded.named["second"], np.eye(2))
    # A set is ordered by variable path.
    assert [x.shape for x in reloaded.as_set] == [(3,), (2, 2)]


def test_file_layout(tmp_path):
    archive = ExportArchive()
    archive.add_endpoint(
        "serve", lambda x: x + 1, [ember.InputSpec(shape=(None,))]
    )
    archive.add_variable_collection("extra", [ember.Variable(1.0, name="v")])
    archive.write_out(tmp_path / "f.zip", verbose=False)
    with zipfile.ZipFile(tmp_path / "f.zip") as z:
        assert sorted(z.namelist()) == [
            "endpoints/serve.jaxexport",
            "manifest.json",
            "variables/extra.npz",
        ]
        manifest = json.loads(z.read("manifest.json"))
    assert manifest["format"] == "ember.export"
    assert manifest["format_version"] == 1
    assert manifest["default_endpoint"] == "serve"
    assert manifest["endpoints"][0]["inputs"] == [
        {
            "name": "args_0",
            "position": "args_0",
            "shape": [None],
            "dtype": "float32",
        }
    ]
    assert manifest["variable_collections"][0]["paths"] == ["v"]


# -- errors --------------------------------------------------------------------
def test_add_endpoint_without_input_signature():
    with pytest.raises(ValueError, match="pass an `input_signature`"):
        ExportArchive().add_endpoint("serve", lambda x: x)


def test_write_out_without_endpoints(tmp_path):
    with pytest.raises(ValueError, match="No endpoints have been set yet"):
        ExportArchive().write_out(tmp_path / "a.zip")
    assert os.listdir(tmp_path) == []


def test_duplicate_and_invalid_names():
    archive = ExportArchive()
    archive.add_endpoint("serve", lambda x: x, [ember.InputSpec(shape=(None,))])
    with pytest.raises(ValueError, match="Endpoint name 'serve' is already"):
        archive.add_endpoint(
            "serve", lambda x: x, [ember.InputSpec(shape=(None,))]
        )
    with pytest.raises(ValueError, match="name 'serve' is already taken"):
        archive.add_variable_collection("serve", [])
    for bad in ("not valid", "_private", "manifest", "class", 3):
        with pytest.raises(ValueError, match="must be Python identifiers"):
            archive.add_endpoint(
                bad, lambda x: x, [ember.InputSpec(shape=(None,))]
            )


def test_track_refuses_non_layers_and_unbuilt_layers():
    archive = ExportArchive()
    with pytest.raises(ValueError, match="Invalid resource type.*'dict'"):
        archive.track({"not": "a layer"})
    with pytest.raises(ValueError, match=r'"dense_9"\) has not yet been'):
        archive.track(layers.Dense(2, name="dense_9"))


def test_variable_collection_errors():
    archive = ExportArchive()
    with pytest.raises(ValueError, match="list/tuple/set"):
        archive.add_variable_collection("v", ember.Variable(1.0))
    with pytest.raises(ValueError, match=r"ember.Variable.*\['ndarray'\]"):
        archive.add_variable_collection("v", [np.zeros(2)])


def test_endpoint_errors_name_the_endpoint():
    archive = ExportArchive()
    with pytest.raises(ValueError, match="Could not export endpoint 'bad'"):
        archive.add_endpoint(
            "bad",
            lambda x: x @ np.ones((5, 1)),
            [ember.InputSpec(shape=(None, 3))],
        )
    with pytest.raises(ValueError, match="`fn` must be callable"):
        archive.add_endpoint("f", 3, [ember.InputSpec(shape=(None, 3))])
    assert archive._endpoints == {}


def test_options_must_be_none(tmp_path):
    archive = ExportArchive()
    archive.add_endpoint("serve", lambda x: x, [ember.InputSpec(shape=(None,))])
    with pytest.raises(ValueError, match="SaveOptions"):
        archive.write_out(tmp_path / "a.zip", options=object())
    assert os.listdir(tmp_path) == []


def test_model_call_as_endpoint(tmp_path):
    # Keras' documented form: `fn=model.call` with the tracked model.
    model = _model()
    archive = ExportArchive()
    archive.track(model)
    archive.add_endpoint("serve", model.call, _spec())
    archive.write_out(tmp_path / "m.zip", verbose=False)
    x = _x(5, 3)
    np.testing.assert_allclose(
        np.asarray(ember.export.load(tmp_path / "m.zip").serve(x)),
        model.predict(x, verbose=0),
        atol=1e-5,
    )


@pytest.mark.parametrize(
    "layer",
    [
        layers.Dropout(0.5, noise_shape=(None, 1)),
        layers.GaussianDropout(0.3),
        layers.GaussianNoise(0.5),
        layers.AlphaDropout(0.2),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_random_layers_in_training_mode_keep_the_batch_open(tmp_path, layer):
    layer.build((None, 4))
    archive = ExportArchive()
    archive.track(layer)
    archive.add_endpoint(
        "train",
        lambda x: layer(x, training=True),
        [ember.InputSpec(shape=(None, 4))],
    )
    archive.write_out(tmp_path / "r.zip", verbose=False)
    reloaded = ember.export.load(tmp_path / "r.zip")
    for batch in (3, 5):
        x = np.ones((batch, 4), "float32")
        out = np.asarray(reloaded.train(x))
        assert out.shape == (batch, 4)
        assert not np.allclose(out, x)  # noise was applied
