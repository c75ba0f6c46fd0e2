"""Layers that compute in numpy on the host: strings, vocabularies, hashes.

Text has no place in a compiled XLA step, so the layers that take strings
(TextVectorization, StringLookup, Hashing of strings, ...) compute in numpy.
Keras 3 runs them through TensorFlow; ember needs no TensorFlow.
"""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.core.dtypes import standardize_dtype
from ember.core.symbolic import Node
from ember.core.symbolic import SymbolicTensor
from ember.core.symbolic import any_symbolic
from ember.layers.layer import Layer


def host_array(x: Any) -> np.ndarray:
    """`x` as a numpy array; text becomes a unicode (`str`) array.

    Lists of Python strings, numpy unicode, bytes and object arrays all
    become numpy `str` arrays (bytes are decoded as UTF-8), so that a
    layer's numpy code sees one kind of string.

    Args:
        x: a list, tuple, numpy or jax array, or a scalar.

    Returns:
        A numpy array.
    """
    array = np.asarray(x)
    if array.dtype.kind == "S":
        return np.char.decode(array, "utf-8")
    if array.dtype.kind == "O":
        flat = [
            v.decode("utf-8") if isinstance(v, bytes) else v
            for v in array.ravel()
        ]
        if all(isinstance(v, str) for v in flat):
            return np.array(flat, dtype=str).reshape(array.shape)
    return array


class HostLayer(Layer):
    """Base class of the layers that run in numpy on the host.

    A subclass implements `call(inputs)` on numpy arrays (text as numpy
    `str` arrays, see `host_array`), returning numpy arrays, and
    `compute_output_spec(inputs)` for symbolic inputs. A layer called on
    several inputs at once (a tuple of features) overrides `host_inputs`.

    Called on concrete values (`layer(["some text"])`), the layer returns a
    jax array, or a numpy array when its output is text. Called on symbolic
    tensors (`Input(shape=(1,), dtype="string")`), it records a graph node
    like any layer. In a model, the host layers fed only by the model's
    inputs (and by other host layers) run on each batch before the compiled
    step, so `fit` takes an array of strings. A host layer cannot run
    inside a compiled function: it raises a `TypeError` naming the layer.

    Example:

    >>> class Lengths(HostLayer):
    ...     def call(self, inputs):
    ...         return np.char.str_len(inputs).astype("int32")
    ...     def compute_output_spec(self, inputs):
    ...         return SymbolicTensor(inputs.shape, dtype="int32")
    >>> Lengths()(["ab", "abc"]).tolist()
    [2, 3]
    """

    runs_on_host = True

    def __call__(self, inputs: Any, **kwargs: Any) -> Any:
        kwargs.pop("training", None)
        if any_symbolic(inputs):
            if not self.built:
                self._build_on_call((inputs,), kwargs)
            outputs = self.compute_output_spec(inputs, **kwargs)
            Node(self, (inputs,), kwargs, outputs)
            return outputs
        leaves = jax.tree_util.tree_leaves(inputs)
        if any(isinstance(leaf, jax.core.Tracer) for leaf in leaves):
            raise TypeError(
                f'Layer "{self.name}" ({type(self).__name__}) computes in '
                "numpy on the host and cannot run inside a compiled "
                "function. Put it first in the model (fed by the model's "
                "inputs), or apply it to the data before the model."
            )
        return jax.tree_util.tree_map(
            _to_device, self.host_call(inputs, **kwargs)
        )

    def host_call(self, inputs: Any, **kwargs: Any) -> Any:
        """Runs the layer in numpy: numpy (or list) in, numpy out.

        What a model's host stage calls on each batch; builds the layer on
        its first input.
        """
        array = self.host_inputs(inputs)
        if not self.built:
            self._build_on_call((array,), kwargs)
        return self.call(array, **kwargs)

    def host_inputs(self, inputs: Any) -> Any:
        """`inputs` as `call` takes them: one numpy array (`host_array`).

        A layer called on a tuple or list of inputs overrides this to
        convert each of them.
        """
        return host_array(inputs)

    def compute_output_spec(self, inputs: Any, **kwargs: Any) -> Any:
        """The symbolic output for a symbolic input; subclasses override."""
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not implement "
            "`compute_output_spec()`."
        )

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for an input shape, from `compute_output_spec`."""
        spec = self.compute_output_spec(
            SymbolicTensor(input_shape, dtype="string")
        )
        return spec.shape


def _to_device(x: Any) -> Any:
    array = np.asarray(x)
    if standardize_dtype(array.dtype) == "string":
        return array
    return jnp.asarray(array)
