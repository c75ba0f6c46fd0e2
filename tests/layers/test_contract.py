"""The contract every exported layer keeps.

For each layer class in `ember.layers`: the config round trip gives the
same config, the symbolic output shape equals the eager one, and `jax.jit`
of `stateless_call` equals the eager call. A newly exported layer needs a
sample in `SAMPLES`.
"""

import inspect

import jax
import numpy as np
import pytest

import ember
from ember import layers

# Not called on data like the others: the base class and the graph input.
_EXCLUDED = {layers.Layer, layers.InputLayer}
# Cells take `(inputs, states)` and RNN / StackedRNNCells take a cell: they
# are covered by tests/layers/test_rnn.py and tests/compat/test_rnn_layers.py.
_EXCLUDED |= {
    layers.RNN,
    layers.StackedRNNCells,
    layers.SimpleRNNCell,
    layers.LSTMCell,
    layers.GRUCell,
}
# Called on (query, value) and built from both shapes: covered by
# tests/layers/attention/ and tests/compat/test_attention_layers.py.
_EXCLUDED |= {layers.MultiHeadAttention, layers.GroupedQueryAttention}
# Host layers take strings or integers and compute in numpy, not under jit:
# tests/layers/preprocessing/ covers their configs, shapes and outputs.
_EXCLUDED |= {
    layers.StringLookup,
    layers.IntegerLookup,
    layers.TextVectorization,
    layers.Hashing,
    layers.HashedCrossing,
}

# class name -> (constructor kwargs, input shape)
SAMPLES = {
    "ConvLSTM1D": ({"filters": 2, "kernel_size": 3}, (2, 3, 6, 2)),
    "ConvLSTM2D": (
        {"filters": 3, "kernel_size": 3, "padding": "same", "strides": 2},
        (2, 3, 5, 5, 2),
    ),
    "ConvLSTM3D": (
        {"filters": 2, "kernel_size": 2, "return_sequences": True},
        (1, 2, 3, 3, 3, 1),
    ),
    "GRU": ({"units": 3, "reset_after": False}, (2, 4, 2)),
    "LSTM": ({"units": 3, "return_sequences": True}, (2, 4, 2)),
    "SimpleRNN": ({"units": 2, "go_backwards": True}, (2, 3, 2)),
    "Activation": ({"activation": "tanh"}, (2, 3)),
    "AveragePooling1D": ({"pool_size": 2, "padding": "same"}, (2, 5, 3)),
    "AveragePooling2D": ({"pool_size": 2}, (2, 4, 4, 3)),
    "AveragePooling3D": ({"pool_size": 2}, (1, 4, 4, 4, 2)),
    "Conv1D": (
        {"filters": 2, "kernel_size": 3, "padding": "causal"},
        (2, 6, 3),
    ),
    "Conv2D": ({"filters": 4, "kernel_size": 3, "groups": 2}, (2, 5, 5, 2)),
    "Conv3D": ({"filters": 2, "kernel_size": 2, "strides": 2}, (1, 4, 4, 4, 1)),
    "Conv1DTranspose": (
        {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1},
        (2, 5, 3),
    ),
    "Conv2DTranspose": (
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 4, 4, 3),
    ),
    "Conv3DTranspose": ({"filters": 2, "kernel_size": 2}, (1, 3, 3, 3, 2)),
    "DepthwiseConv1D": ({"kernel_size": 3, "depth_multiplier": 2}, (2, 6, 3)),
    "DepthwiseConv2D": ({"kernel_size": 2, "strides": 2}, (2, 5, 5, 3)),
    "SeparableConv1D": ({"filters": 4, "kernel_size": 3}, (2, 6, 3)),
    "SeparableConv2D": (
        {"filters": 2, "kernel_size": 3, "depth_multiplier": 2},
        (2, 5, 5, 3),
    ),
    "Dense": ({"units": 3, "activation": "relu"}, (2, 4)),
    "Dropout": ({"rate": 0.5, "seed": 1}, (2, 6)),
    "ActivityRegularization": ({"l1": 0.1, "l2": 0.01}, (2, 3)),
    "AlphaDropout": ({"rate": 0.2, "seed": 1}, (2, 6)),
    "BatchNormalization": ({"momentum": 0.9}, (4, 3)),
    "ELU": ({"alpha": 0.5}, (2, 3)),
    "GaussianDropout": ({"rate": 0.2, "seed": 1}, (2, 6)),
    "GaussianNoise": ({"stddev": 0.1, "seed": 1}, (2, 6)),
    "GroupNormalization": ({"groups": 2}, (2, 5, 4)),
    "LayerNormalization": ({"axis": [1, 2]}, (2, 3, 4)),
    "LeakyReLU": ({"negative_slope": 0.1}, (2, 3)),
    "PReLU": ({"shared_axes": [1]}, (2, 3, 4)),
    "ReLU": ({"max_value": 1.0, "threshold": 0.1}, (2, 3)),
    "Softmax": ({"axis": 1}, (2, 3, 4)),
    "SpatialDropout1D": ({"rate": 0.5, "seed": 1}, (2, 3, 4)),
    "SpatialDropout2D": ({"rate": 0.5, "seed": 1}, (2, 3, 3, 4)),
    "SpatialDropout3D": ({"rate": 0.5, "seed": 1}, (1, 2, 2, 2, 3)),
    "UnitNormalization": ({"axis": [1, 2]}, (2, 3, 4)),
    "Flatten": ({}, (2, 3, 4)),
    "Identity": ({}, (2, 3)),
    "Lambda": ({"function": ember.activations.relu}, (2, 3)),
    "MaxPooling1D": ({}, (2, 6, 3)),
    "MaxPooling2D": ({"pool_size": 3, "strides": 1}, (2, 4, 4, 3)),
    "MaxPooling3D": ({"padding": "same"}, (1, 3, 3, 3, 2)),
    "Reshape": ({"target_shape": (-1, 2)}, (2, 3, 4)),
    "Add": ({}, [(2, 3), (2, 4, 3)]),
    "AdditiveAttention": ({"dropout": 0.1}, [(2, 3, 4), (2, 5, 4)]),
    "Attention": (
        {"use_scale": True, "score_mode": "concat"},
        [(2, 3, 4), (2, 5, 4)],
    ),
    "Subtract": ({}, [(2, 3), (2, 3)]),
    "Multiply": ({}, [(2, 3), (2, 1), (2, 3)]),
    "Average": ({}, [(2, 3), (2, 3)]),
    "Maximum": ({}, [(2, 3, 4), (2, 3, 4)]),
    "Minimum": ({}, [(2, 3), (2, 3)]),
    "Concatenate": ({"axis": 1}, [(2, 3, 4), (2, 2, 4)]),
    "Dot": ({"axes": (1, 2), "normalize": True}, [(2, 3, 5), (2, 4, 3)]),
    "Permute": ({"dims": (2, 1)}, (2, 3, 4)),
    "RepeatVector": ({"n": 3}, (2, 4)),
    "Cropping1D": ({"cropping": (1, 2)}, (2, 5, 3)),
    "Cropping2D": ({"cropping": ((1, 0), (0, 2))}, (2, 4, 5, 3)),
    "Cropping3D": ({"cropping": 1}, (1, 3, 4, 5, 2)),
    "ZeroPadding1D": ({"padding": (1, 2)}, (2, 3, 2)),
    "ZeroPadding2D": ({"padding": ((1, 0), (0, 2))}, (2, 3, 3, 2)),
    "ZeroPadding3D": ({"padding": 1}, (1, 2, 2, 2, 2)),
    "UpSampling1D": ({"size": 3}, (2, 3, 2)),
    "UpSampling2D": ({"interpolation": "bilinear"}, (2, 3, 3, 2)),
    "UpSampling3D": ({"size": (1, 2, 2)}, (1, 2, 2, 2, 2)),
    "GlobalAveragePooling1D": ({"keepdims": True}, (2, 5, 3)),
    "GlobalAveragePooling2D": ({}, (2, 4, 4, 3)),
    "GlobalAveragePooling3D": ({}, (1, 3, 3, 3, 2)),
    "GlobalMaxPooling1D": ({}, (2, 5, 3)),
    "GlobalMaxPooling2D": ({"data_format": "channels_first"}, (2, 3, 4, 4)),
    "GlobalMaxPooling3D": ({"keepdims": True}, (1, 3, 3, 3, 2)),
    "Embedding": ({"input_dim": 10, "output_dim": 3}, (2, 4)),
    "EinsumDense": (
        {
            "equation": "abc,cd->abd",
            "output_shape": (None, 4),
            "bias_axes": "d",
        },
        (2, 3, 5),
    ),
    "Masking": ({"mask_value": 0.0}, (2, 3, 4)),
    "CategoryEncoding": ({"num_tokens": 4, "output_mode": "count"}, (2, 3)),
    "CenterCrop": ({"height": 2, "width": 3}, (2, 4, 5, 3)),
    "Discretization": (
        {"bin_boundaries": [-0.5, 0.0, 0.5], "output_mode": "one_hot"},
        (2, 3),
    ),
    "Normalization": ({"axis": (1, 2)}, (4, 2, 3)),
    "RandomContrast": ({"factor": 0.2, "seed": 1}, (2, 4, 4, 3)),
    "RandomFlip": ({"seed": 1}, (2, 4, 4, 3)),
    "RandomRotation": ({"factor": 0.1, "seed": 1}, (2, 5, 5, 3)),
    "RandomTranslation": (
        {"height_factor": 0.2, "width_factor": 0.1},
        (2, 5, 4, 2),
    ),
    "RandomZoom": ({"height_factor": (-0.2, 0.3), "seed": 2}, (2, 4, 5, 3)),
    "Rescaling": ({"scale": 0.5, "offset": 1.0}, (2, 3)),
    "Resizing": (
        {"height": 3, "width": 5, "crop_to_aspect_ratio": True},
        (2, 4, 6, 3),
    ),
    # Arguments that are layers: a function of the library (ember or
    # keras) returning fresh kwargs, so each test gets its own layer. The
    # wrapped layer comes built, so the config before and after the first
    # call is the same.
    "TimeDistributed": (lambda lib: {"layer": _built_dense(lib)}, (2, 3, 4)),
    # Built, its copies are built on their own at construction (as Keras).
    "Bidirectional": (
        lambda lib: {"layer": _built_lstm(lib), "merge_mode": "sum"},
        (2, 4, 2),
    ),
}


# Layers whose eager sample is not normal noise: class name -> function of
# (rng, shape) returning the input (ids must be in range).
SAMPLE_INPUTS = {
    "CategoryEncoding": lambda rng, shape: rng.integers(0, 4, size=shape),
}


def _built_dense(lib):
    dense = lib.layers.Dense(3, activation="relu")
    dense.build((None, 4))
    return dense


def _built_lstm(lib):
    lstm = lib.layers.LSTM(3, return_sequences=True)
    lstm(np.zeros((1, 4, 2), "float32"))  # built by a call: it has a
    return lstm  # build config (ember records none for a direct build)


def sample_kwargs(name, lib):
    """The constructor kwargs of the sample for `name`, built with `lib`."""
    kwargs = SAMPLES[name][0]
    return kwargs(lib) if callable(kwargs) else kwargs


def _exported_layer_classes():
    classes = {
        value
        for value in vars(layers).values()
        if inspect.isclass(value)
        and issubclass(value, layers.Layer)
        and value not in _EXCLUDED
    }
    return sorted(classes, key=lambda cls: cls.__name__)


LAYER_CLASSES = _exported_layer_classes()


def _sample(cls):
    if cls.__name__ not in SAMPLES:
        pytest.fail(
            f"{cls.__name__} is exported by ember.layers but has no entry in "
            "SAMPLES in tests/layers/test_contract.py: add one."
        )
    shape = SAMPLES[cls.__name__][1]
    kwargs = sample_kwargs(cls.__name__, ember)
    rng = np.random.default_rng(0)
    # A list of shapes: a layer that takes a list of inputs (merging).
    if cls.__name__ in SAMPLE_INPUTS:
        x = SAMPLE_INPUTS[cls.__name__](rng, shape)
    elif isinstance(shape, list):
        x = [rng.normal(size=s).astype("float32") for s in shape]
    else:
        x = rng.normal(size=shape).astype("float32")
    return cls(**kwargs), x


def _symbolic_like(x):
    if isinstance(x, list):
        return [ember.Input(shape=v.shape[1:]) for v in x]
    return ember.Input(shape=x.shape[1:])


def _shape_of(x):
    return [v.shape for v in x] if isinstance(x, list) else x.shape


@pytest.mark.parametrize("cls", LAYER_CLASSES, ids=lambda c: c.__name__)
def test_config_round_trip(cls):
    layer, x = _sample(cls)
    config = layer.get_config()
    assert cls.from_config(config).get_config() == config
    layer(x)
    assert layer.get_config() == config


@pytest.mark.parametrize("cls", LAYER_CLASSES, ids=lambda c: c.__name__)
def test_symbolic_shape_equals_eager_shape(cls):
    layer, x = _sample(cls)
    symbolic = layer(_symbolic_like(x))
    eager = layer(x)
    assert symbolic.shape == (None, *eager.shape[1:])
    assert symbolic.dtype == eager.dtype
    assert tuple(layer.compute_output_shape(_shape_of(x))) == eager.shape


@pytest.mark.parametrize("cls", LAYER_CLASSES, ids=lambda c: c.__name__)
def test_jit_stateless_call_equals_eager_call(cls):
    layer, x = _sample(cls)
    eager = layer(x)
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]

    @jax.jit
    def run(trainable, non_trainable, x):
        return layer.stateless_call(trainable, non_trainable, x)[0]

    np.testing.assert_allclose(
        run(trainable, non_trainable, x), eager, rtol=1e-5, atol=1e-6
    )
