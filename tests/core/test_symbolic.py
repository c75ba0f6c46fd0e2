import jax.numpy as jnp
import pytest

from ember.core.symbolic import SymbolicTensor
from ember.core.symbolic import compute_output_spec
from ember.core.symbolic import symbolic_apply


def test_operators_record_nodes_with_output_specs():
    x = SymbolicTensor((None, 4))
    y = (x * 2.0 + 1.0)[:, :3]
    assert y.shape == (None, 3)
    assert y.dtype == "float32"
    operation, node_index, _ = y._history
    node = operation._inbound_nodes[node_index]
    assert node.parent_nodes[0].operation.name.startswith("add")


def test_unknown_dimensions_stay_unknown_and_known_ones_are_kept():
    x = SymbolicTensor((None, 6, None))
    y = symbolic_apply(jnp.reshape, (x, (-1, 3, 2)), {})
    assert y.shape == (None, 3, 2)
    z = compute_output_spec(lambda a: a.sum(axis=1), x)
    assert z.shape == (None, None)


def test_dtype_follows_the_traced_computation():
    x = SymbolicTensor((2, 3), dtype="int32")
    assert (x > 1).dtype == "bool"
    assert compute_output_spec(lambda a: a / 2, x).dtype == "float32"


def test_symbolic_tensor_has_no_truth_value():
    with pytest.raises(TypeError, match="no truth value"):
        bool(SymbolicTensor((None, 2)))
