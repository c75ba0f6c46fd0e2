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
