"""Loading hostile or odd input: deep nesting is a ValueError naming what
was read (never a RecursionError), and loading changes no global state."""

import io
import json
import random
import zipfile

import numpy as np
import pytest

import ember
from ember.saving import deserialize_keras_object
from ember.saving import safe_json
from ember.saving import saving_lib
from ember.saving import weights_h5

# jax without x64 stores the float64 layers' weights as float32.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Explicitly requested dtype float64:UserWarning"
)

DENSE = '{"class_name": "Dense", "config": {"units": 2}}'


def _nested_sequential_json(levels: int) -> str:
    # Written by hand: json.dumps itself recurses on such a value.
    head = '{"class_name": "Sequential", "config": {"layers": ['
    return head * levels + DENSE + "]}}" * levels


def _nested_sequential(levels: int) -> dict:
    config = json.loads(DENSE)
    for _ in range(levels):
        config = {"class_name": "Sequential", "config": {"layers": [config]}}
    return config


def _nested_dict(levels: int) -> dict:
    value = {}
    for _ in range(levels):
        value = {"a": value}
    return value


def _archive(config_text: str, metadata_text: str | None = None) -> bytes:
    model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(2)])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("metadata.json", metadata_text or '{"keras_version": "3"}')
        zf.writestr("config.json", config_text)
        zf.writestr("model.weights.h5", weights_h5.weights_bytes(model))
    return buffer.getvalue()


DEEP_TEXTS = {
    "unclosed_lists": "[" * 100_000,
    "closed_lists": "[" * 100_000 + "]" * 100_000,
    "objects": '{"a": ' * 100_000 + "1" + "}" * 100_000,
    "sequential_2000": _nested_sequential_json(2000),
    # Parseable by json.loads, past ember's depth bound.
    "objects_300": '{"a": ' * 300 + "1" + "}" * 300,
}


@pytest.mark.parametrize("member", ["config.json", "metadata.json"])
@pytest.mark.parametrize("text", sorted(DEEP_TEXTS))
def test_deep_archive_member_is_a_value_error_naming_it(member, text):
    texts = {"config.json": _nested_sequential_json(1)}
    texts[member] = DEEP_TEXTS[text]
    data = _archive(texts["config.json"], texts.get("metadata.json"))
    for load in (saving_lib.read_archive, ember.saving.load_model):
        with pytest.raises(ValueError, match=f"'{member}'"):
            load(io.BytesIO(data))


@pytest.mark.parametrize("text", sorted(DEEP_TEXTS))
def test_deep_json_string_is_a_value_error_in_model_from_json(text):
    with pytest.raises(ValueError, match="model_from_json"):
        ember.models.model_from_json(DEEP_TEXTS[text])


def test_depth_bound_counts_levels_exactly():
    limit = safe_json.MAX_DEPTH
    assert safe_json.load_json("[" * limit + "]" * limit, "x")
    with pytest.raises(ValueError, match=f"'m'.*{limit} levels"):
        safe_json.load_json("[" * (limit + 1) + "]" * (limit + 1), "'m'")
    safe_json.check_depth({"a": [1, {"b": 2}]}, "x")


def test_a_model_nested_a_few_levels_still_loads():
    model = ember.models.model_from_json(_nested_sequential_json(20))
    assert model.compute_output_shape((None, 3)) == (None, 2)


@pytest.mark.parametrize(
    "config",
    [
        _nested_sequential(2000),
        {
            "class_name": "Dense",
            "config": {"units": 2, "x": _nested_dict(5000)},
        },
        _nested_dict(5000),
        [_nested_dict(5000)],
    ],
    ids=["sequential_2000", "layer_value_5000", "dict_5000", "list"],
)
def test_deep_config_dict_is_a_value_error(config):
    with pytest.raises(ValueError, match="levels deep"):
        deserialize_keras_object(config)


def test_sequential_from_config_of_a_deep_config_is_a_value_error():
    config = _nested_sequential(2000)["config"]
    with pytest.raises(ValueError, match="levels deep"):
        ember.Sequential.from_config(config)


def test_a_config_that_contains_itself_is_refused():
    config = {"class_name": "Dense", "config": {"units": 2}}
    config["config"]["loop"] = config
    with pytest.raises(ValueError, match="levels deep"):
        deserialize_keras_object(config)


@ember.saving.register_keras_serializable(package="test_safety")
class Echo(ember.layers.Layer):
    """A layer whose `from_config` rebuilds itself from its own config:
    shallow config, unbounded recursion."""

    @classmethod
    def from_config(cls, config):
        return deserialize_keras_object(
            {"class_name": "test_safety>Echo", "config": config}
        )


def test_recursion_while_deserializing_is_a_value_error():
    config = {"class_name": "test_safety>Echo", "config": {}}
    with pytest.raises(ValueError, match="stack limit"):
        deserialize_keras_object(config)
    data = _archive(json.dumps(config))
    with pytest.raises(ValueError, match="stack limit"):
        ember.saving.load_model(io.BytesIO(data))
    with pytest.raises(ValueError, match="stack limit"):
        ember.models.model_from_json(json.dumps(config))


# -- loading changes no global settings --------------------------------
def _global_state() -> dict:
    numpy_state = np.random.get_state()
    return {
        "floatx": ember.config.floatx(),
        "image_data_format": ember.config.image_data_format(),
        "epsilon": ember.config.epsilon(),
        "random": random.getstate(),
        "numpy": (numpy_state[0], numpy_state[1].tolist(), *numpy_state[2:]),
    }


@pytest.fixture
def odd_globals():
    """Non-default global settings, so a load that resets them shows."""
    saved = _global_state()
    ember.config.set_floatx("float64")
    ember.config.set_image_data_format("channels_first")
    ember.config.set_epsilon(1e-4)
    yield
    ember.config.set_floatx(saved["floatx"])
    ember.config.set_image_data_format(saved["image_data_format"])
    ember.config.set_epsilon(saved["epsilon"])


def _mixed_model() -> ember.Model:
    model = ember.Sequential(
        [
            ember.Input((4,)),
            ember.layers.Dense(8, dtype="float16"),
            ember.layers.Dropout(0.3, seed=7),
            ember.layers.Dropout(0.2),
            ember.layers.Dense(3, dtype="float64"),
            ember.layers.Dense(2, dtype="mixed_bfloat16"),
        ]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(np.ones((8, 4)), np.ones((8, 2)), epochs=1, verbose=0)
    return model


def test_loading_a_keras_file_changes_no_global_settings(odd_globals):
    source = _mixed_model()
    buffer = io.BytesIO()
    source.save(buffer)
    random.seed(1)
    np.random.seed(2)
    before = _global_state()
    restored = ember.saving.load_model(io.BytesIO(buffer.getvalue()))
    assert _global_state() == before
    assert [layer.dtype_policy for layer in restored.layers] == [
        layer.dtype_policy for layer in source.layers
    ]
    x = np.linspace(0, 1, 8).reshape(2, 4)
    np.testing.assert_allclose(
        restored.predict(x, verbose=0), source.predict(x, verbose=0)
    )
    # A program seeded once draws the same numbers whether it loads or not.
    random.seed(3)
    ember.saving.load_model(io.BytesIO(buffer.getvalue()))
    loaded_then_drawn = random.random()
    random.seed(3)
    assert random.random() == loaded_then_drawn


def test_model_from_json_still_gives_fresh_weights_each_time():
    json_string = _mixed_model().to_json()
    first = ember.models.model_from_json(json_string)
    second = ember.models.model_from_json(json_string)
    assert not np.array_equal(
        np.asarray(first.layers[0].kernel), np.asarray(second.layers[0].kernel)
    )


ODD_POLICIES = [
    {"class_name": "DTypePolicy", "config": {"name": "mixed_float16"}},
    "mixed_bfloat16",
    "float16",
    {"class_name": "DTypePolicy", "config": {"name": "channels_first"}},
    {
        "class_name": "QuantizedDTypePolicy",
        "config": {"name": "int8_from_float32", "source_name": "float32"},
    },
    "floatx",
    7,
]


@pytest.mark.parametrize("key", ["dtype", "dtype_policy"])
@pytest.mark.parametrize("policy", ODD_POLICIES, ids=repr)
def test_odd_dtype_policies_in_a_config_change_no_global_settings(
    odd_globals, key, policy
):
    config = {
        "class_name": "Sequential",
        "config": {
            "layers": [
                {
                    "class_name": "InputLayer",
                    "config": {"batch_shape": [None, 3]},
                },
                {"class_name": "Dense", "config": {"units": 2, key: policy}},
            ],
            key: policy,
        },
    }
    before = _global_state()
    try:
        ember.models.model_from_json(json.dumps(config))
    except (ValueError, TypeError):
        pass  # Refusing an odd value is fine; changing settings is not.
    after = _global_state()
    del before["random"], after["random"]  # Fresh weights draw seeds.
    assert after == before
