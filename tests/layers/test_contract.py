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

# class name -> (constructor kwargs, input shape)
SAMPLES = {
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
}


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
    kwargs, shape = SAMPLES[cls.__name__]
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    return cls(**kwargs), x


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
    symbolic = layer(ember.Input(shape=x.shape[1:]))
    eager = layer(x)
    assert symbolic.shape == (None, *eager.shape[1:])
    assert symbolic.dtype == eager.dtype
    assert tuple(layer.compute_output_shape(x.shape)) == eager.shape


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
