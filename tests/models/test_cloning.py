import numpy as np
import pytest

import ember
from ember import layers
from ember.models import clone_model


def _sequential():
    return ember.Sequential(
        [
            ember.Input(shape=(4,), name="features"),
            layers.Dense(8, activation="relu", name="hidden"),
            layers.Dense(2, name="head"),
        ],
        name="stack",
    )


def _functional():
    inputs = ember.Input(shape=(4,), name="features")
    shared = layers.Dense(4, activation="tanh", name="shared")
    x = shared(inputs)
    x = layers.Add(name="add")([x, shared(x)])
    outputs = layers.Dense(3, name="head")(x)
    return ember.Model(inputs, outputs, name="graph")


def _data(rows=5):
    return np.random.default_rng(0).normal(size=(rows, 4)).astype("float32")


@pytest.mark.parametrize("make", [_sequential, _functional])
def test_clone_has_same_architecture_and_new_variables(make):
    model = make()
    clone = clone_model(model)
    assert type(clone) is type(model)
    assert clone.name == model.name
    assert [x.name for x in clone.layers] == [x.name for x in model.layers]
    assert clone.count_params() == model.count_params()
    assert clone.get_config() == model.get_config()
    assert all(
        a is not b for a, b in zip(clone.layers, model.layers, strict=True)
    )
    own = {id(v) for v in model.weights}
    assert not any(id(v) in own for v in clone.weights)

    before = [np.asarray(w) for w in model.get_weights()]
    clone.weights[0].assign(np.full(clone.weights[0].shape, 7.0, "float32"))
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize("make", [_sequential, _functional])
def test_clone_matches_outputs_after_copying_weights(make):
    model = make()
    clone = clone_model(model)
    clone.set_weights(model.get_weights())
    x = _data()
    np.testing.assert_allclose(
        np.asarray(clone(x)), np.asarray(model(x)), rtol=1e-6, atol=1e-6
    )


def test_functional_clone_keeps_shared_layers_shared():
    model = _functional()
    clone = clone_model(model)
    shared = clone.get_layer("shared")
    assert len(shared._inbound_nodes) == 2
    assert shared is not model.get_layer("shared")


def test_clone_function_changes_activation():
    def linear_dense(layer):
        config = layer.get_config()
        if isinstance(layer, layers.Dense):
            config["activation"] = "linear"
        return layer.__class__.from_config(config)

    for make in (_sequential, _functional):
        model = make()
        clone = clone_model(model, clone_function=linear_dense)
        dense = [x for x in clone.layers if isinstance(x, layers.Dense)]
        assert dense
        assert all(x.get_config()["activation"] == "linear" for x in dense)
        # The original is untouched.
        hidden = model.layers[0] if make is _sequential else model.layers[1]
        assert hidden.get_config()["activation"] != "linear"


def test_clone_function_may_wrap_or_reuse_layers():
    model = _sequential()
    seen = []

    def wrap(layer):
        seen.append(layer.name)
        return ember.Sequential(
            [layer.__class__.from_config(layer.get_config())]
        )

    clone = clone_model(model, clone_function=wrap)
    assert seen == ["hidden", "head"]
    assert all(isinstance(x, ember.Sequential) for x in clone.layers)
    assert clone.output_shape == (None, 2)

    original = _functional()
    reused = clone_model(original, clone_function=lambda layer: layer)
    assert reused.get_layer("head") is original.get_layer("head")
    assert reused.get_layer("features") is not original.get_layer("features")


def test_call_function_inserts_layers_around_calls():
    model = _functional()

    def call_function(layer, *args, **kwargs):
        out = layer(*args, **kwargs)
        if layer.name == "head":
            out = layers.Activation("sigmoid", name="squash")(out)
        return out

    clone = clone_model(
        model, clone_function=lambda layer: layer, call_function=call_function
    )
    assert clone.layers[-1].name == "squash"
    out = np.asarray(clone(_data()))
    assert ((out > 0) & (out < 1)).all()
    with pytest.raises(ValueError, match="call_function"):
        clone_model(_sequential(), call_function=call_function)


def test_input_tensors_replace_the_inputs():
    new_input = ember.Input(batch_shape=(3, 4), name="fixed")
    clone = clone_model(_functional(), input_tensors=new_input)
    assert clone.inputs[0] is new_input
    assert clone.output_shape == (3, 3)

    clone = clone_model(_sequential(), input_tensors=[ember.Input((4,))])
    assert isinstance(clone, ember.Sequential)
    assert clone.layers[0].name == "hidden"
    assert clone.output_shape == (None, 2)

    with pytest.raises(ValueError, match="single tensor"):
        clone_model(_sequential(), input_tensors=[ember.Input((4,))] * 2)
    with pytest.raises(ValueError, match="symbolic tensor"):
        clone_model(_functional(), input_tensors=np.ones((1, 4)))
    with pytest.raises(ValueError, match="structure"):
        clone_model(
            _functional(), input_tensors=[ember.Input((4,)), ember.Input((4,))]
        )


def test_dict_inputs_are_cloned_by_name():
    inputs = {
        "a": ember.Input((2,), name="a"),
        "b": ember.Input((3,), name="b"),
    }
    merged = layers.Concatenate()([inputs["a"], inputs["b"]])
    model = ember.Model(inputs, layers.Dense(1)(merged))
    clone = clone_model(model)
    assert sorted(clone.input) == ["a", "b"]
    assert clone.input["b"].shape == (None, 3)
    clone.set_weights(model.get_weights())
    x = {"a": np.ones((2, 2), "float32"), "b": np.ones((2, 3), "float32")}
    np.testing.assert_allclose(np.asarray(clone(x)), np.asarray(model(x)))


@pytest.mark.parametrize("recursive", [False, True])
def test_nested_model_is_cloned(recursive):
    inner = ember.Sequential(
        [ember.Input((4,)), layers.Dense(3, name="inner_dense")], name="inner"
    )
    inputs = ember.Input((4,), name="features")
    outputs = layers.Dense(1, name="out")(inner(inputs))
    model = ember.Model(inputs, outputs)
    seen = []

    def clone_function(layer):
        seen.append(layer.name)
        return layer.__class__.from_config(layer.get_config())

    clone = clone_model(
        model, clone_function=clone_function, recursive=recursive
    )
    cloned_inner = clone.get_layer("inner")
    assert isinstance(cloned_inner, ember.Sequential)
    assert cloned_inner is not inner
    assert cloned_inner.layers[0] is not inner.layers[0]
    assert ("inner_dense" in seen) == recursive
    assert clone.count_params() == model.count_params()
    clone.set_weights(model.get_weights())
    x = _data()
    np.testing.assert_allclose(
        np.asarray(clone(x)), np.asarray(model(x)), rtol=1e-6, atol=1e-6
    )


def test_unbuilt_sequential_and_compiled_model():
    model = ember.Sequential([layers.Dense(2, name="only")])
    clone = clone_model(model)
    assert not clone.built
    assert clone.layers[0].name == "only"

    model = _functional()
    model.compile(optimizer="adam", loss="mse")
    clone = clone_model(model)
    assert clone.compiled
    assert clone.optimizer is not model.optimizer
    assert clone.get_compile_config()["loss"] == "mse"


class _Tower(ember.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units)

    def call(self, inputs):
        return self.dense(inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_is_cloned_from_its_config():
    model = _Tower(units=5)
    model(_data())
    clone = clone_model(model)
    assert type(clone) is _Tower
    assert clone.units == 5
    assert clone is not model
    with pytest.raises(ValueError, match="clone_function"):
        clone_model(model, clone_function=lambda layer: layer)


def test_unexpected_keyword_is_refused():
    with pytest.raises(ValueError, match="unexpected keyword"):
        clone_model(_sequential(), copy_weights=True)


def _keras_and_ember(module):
    seq = module.Sequential(
        [
            module.Input(shape=(6,), name="features"),
            module.layers.Dense(8, activation="relu", name="hidden"),
            module.layers.Dropout(0.1, name="drop"),
            module.layers.Dense(2, name="head"),
        ],
        name="stack",
    )
    inputs = module.Input(shape=(6,), name="features")
    shared = module.layers.Dense(6, name="shared")
    x = shared(inputs)
    x = module.layers.Add(name="add")([x, shared(x)])
    x = module.layers.Dense(3, name="proj")(x)
    outputs = seq(module.layers.Concatenate(name="cat")([x, inputs])[:, :6])
    return seq, module.Model(inputs, outputs, name="graph")


def test_clone_matches_keras_clone_model():
    keras = pytest.importorskip("keras")
    for ours, theirs in zip(
        _keras_and_ember(ember), _keras_and_ember(keras), strict=True
    ):
        ours_clone = clone_model(ours)
        theirs_clone = keras.models.clone_model(theirs)
        assert [x.name for x in ours_clone.layers] == [
            x.name for x in theirs_clone.layers
        ]
        assert [type(x).__name__ for x in ours_clone.layers] == [
            type(x).__name__ for x in theirs_clone.layers
        ]
        assert ours_clone.count_params() == theirs_clone.count_params()
        assert tuple(ours_clone.output_shape) == tuple(
            theirs_clone.output_shape
        )
