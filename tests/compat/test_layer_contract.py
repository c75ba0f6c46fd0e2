"""The layer contract against Keras 3: for every sample in
`tests/layers/test_contract.py`, the same-named Keras layer with the same
arguments, built on the same symbolic input, has as many parameters and
the same output shape."""

import keras
import pytest

import ember
from tests.layers.test_contract import LAYER_CLASSES
from tests.layers.test_contract import SAMPLES
from tests.layers.test_contract import sample_kwargs

# Output shapes where ember knows a dimension Keras leaves unknown: Keras
# takes EinsumDense's output shape from its `output_shape` argument, whose
# None stays None; ember traces the call and sees the input's size.
_MORE_SPECIFIC_SHAPES = {"EinsumDense"}


def _keras_argument(value):
    """Ember objects in a sample's arguments, as their Keras twins."""
    if callable(value) and getattr(value, "__module__", "").startswith(
        "ember.activations"
    ):
        return keras.activations.get(value.__name__)
    return value


def _inputs(lib, shape):
    if isinstance(shape, list):
        return [lib.Input(shape=s[1:]) for s in shape]
    return lib.Input(shape=shape[1:])


def _shapes(outputs) -> list[tuple]:
    if isinstance(outputs, list | tuple):
        return [tuple(t.shape) for t in outputs]
    return [tuple(outputs.shape)]


def _refines(ours: tuple, theirs: tuple) -> bool:
    """Whether `ours` equals `theirs` where `theirs` is known."""
    return len(ours) == len(theirs) and all(
        t is None or o == t for o, t in zip(ours, theirs, strict=True)
    )


@pytest.mark.parametrize("cls", LAYER_CLASSES, ids=lambda c: c.__name__)
def test_count_params_and_output_shape_equal_keras(cls):
    name = cls.__name__
    if name not in SAMPLES:
        pytest.fail(f"{name} has no sample in tests/layers/test_contract.py.")
    keras_cls = getattr(keras.layers, name, None)
    if keras_cls is None:
        pytest.skip(f"keras.layers has no {name}.")
    shape = SAMPLES[name][1]
    kwargs = sample_kwargs(name, ember)
    ours = cls(**kwargs)
    their_kwargs = sample_kwargs(name, keras)
    theirs = keras_cls(
        **{k: _keras_argument(v) for k, v in their_kwargs.items()}
    )
    our_outputs = ours(_inputs(ember, shape))
    their_outputs = theirs(_inputs(keras, shape))
    assert ours.count_params() == theirs.count_params()
    our_shapes, their_shapes = _shapes(our_outputs), _shapes(their_outputs)
    if name in _MORE_SPECIFIC_SHAPES:
        assert our_shapes != their_shapes, f"{name} now matches Keras"
        assert all(map(_refines, our_shapes, their_shapes))
    else:
        assert our_shapes == their_shapes
    assert len(ours.weights) == len(theirs.weights)
    assert len(ours.trainable_weights) == len(theirs.trainable_weights)
