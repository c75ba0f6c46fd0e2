import jax
import numpy as np
import pytest

import ember
from ember.core.symbolic import SymbolicTensor
from ember.layers.preprocessing.host_layer import HostLayer
from ember.layers.preprocessing.host_layer import host_array


class Lengths(HostLayer):
    def call(self, inputs):
        return np.char.str_len(inputs).astype("int32")

    def compute_output_spec(self, inputs):
        return SymbolicTensor(inputs.shape, dtype="int32")


class Upper(HostLayer):
    def call(self, inputs):
        return np.char.upper(inputs)

    def compute_output_spec(self, inputs):
        return SymbolicTensor(inputs.shape, dtype="string")


def test_host_array_makes_one_kind_of_string():
    for given in (
        ["ab", "é"],
        np.array([b"ab", "é".encode()]),
        np.array(["ab", b"\xc3\xa9"], dtype=object),
    ):
        array = host_array(given)
        assert array.dtype.kind == "U"
        assert array.tolist() == ["ab", "é"]
    assert host_array([1, 2]).dtype.kind == "i"


def test_direct_call_returns_a_jax_array_or_numpy_text():
    lengths = Lengths()(["ab", "abcd"])
    assert isinstance(lengths, jax.Array)
    assert lengths.tolist() == [2, 4]
    upper = Upper()(np.array([b"ab"]))
    assert isinstance(upper, np.ndarray)
    assert upper.tolist() == ["AB"]


def test_symbolic_call_on_a_string_input():
    inputs = ember.Input(shape=(3,), dtype="string")
    assert inputs.dtype == "string"
    outputs = Lengths()(inputs)
    assert (outputs.shape, outputs.dtype) == ((None, 3), "int32")
    assert Lengths().compute_output_shape((None, 3)) == (None, 3)


def test_inside_a_compiled_function_the_error_names_the_layer():
    layer = Lengths(name="lengths")
    with pytest.raises(TypeError, match='"lengths" .*cannot run inside'):
        jax.jit(layer)(np.zeros((2,), "int32"))


class Pairs(HostLayer):
    """A host layer of two inputs: the lengths of both strings."""

    def host_inputs(self, inputs):
        return tuple(host_array(x) for x in inputs)

    def call(self, inputs):
        first, second = inputs
        return np.char.str_len(first) + np.char.str_len(second)

    def compute_output_spec(self, inputs):
        return SymbolicTensor(inputs[0].shape, dtype="int64")


def test_a_tuple_of_inputs_symbolic_eager_and_under_jit():
    layer = Pairs(name="pairs")
    assert layer((["ab"], ["c"])).tolist() == [3]
    a = ember.Input(shape=(), dtype="string")
    b = ember.Input(shape=(), dtype="string")
    outputs = layer((a, b))
    assert outputs.shape == (None,)
    model = ember.Model([a, b], outputs)
    assert model.predict(
        [np.array(["ab"]), np.array(["cde"])], verbose=0
    ).tolist() == [5]
    with pytest.raises(TypeError, match='"pairs" .*cannot run inside'):
        jax.jit(lambda x: layer((np.array(["a"]), x)))(np.zeros((1,)))
