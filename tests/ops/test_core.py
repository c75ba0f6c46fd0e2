import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ember import ops
from ember.core.symbolic import SymbolicTensor
from ember.core.variable import Variable


def _close(actual, expected):
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-6)


def test_convert_to_tensor():
    assert ops.convert_to_tensor([1.0, 2.0]).dtype == "float32"
    assert ops.convert_to_tensor([1, 2]).dtype == "int32"
    assert ops.convert_to_tensor(np.ones(2), dtype="float16").dtype == "float16"
    variable = Variable([3.0, 4.0])
    _close(ops.convert_to_tensor(variable), [3, 4])
    array = jnp.ones(2)
    assert ops.convert_to_tensor(array) is array
    with pytest.raises(ValueError, match="ragged"):
        ops.convert_to_tensor([1.0], ragged=True)


def test_convert_to_numpy():
    out = ops.convert_to_numpy(jnp.arange(3))
    assert isinstance(out, np.ndarray)
    _close(out, [0, 1, 2])
    assert isinstance(ops.convert_to_numpy(Variable([1.0])), np.ndarray)
    with pytest.raises(ValueError, match="symbolic"):
        ops.convert_to_numpy(SymbolicTensor((None, 2)))


def test_cast_dtype_and_is_tensor():
    assert ops.cast([1.7, -1.7], "int32").tolist() == [1, -1]
    assert ops.dtype(np.ones(2, "float16")) == "float16"
    assert ops.dtype(Variable(np.array([1, 2], "int32"))) == "int32"
    assert ops.dtype(SymbolicTensor((2,), "bool")) == "bool"
    assert ops.dtype(1.0) == "float32"
    assert ops.is_tensor(jnp.ones(1))
    assert not ops.is_tensor(np.ones(1))
    assert not ops.is_tensor(SymbolicTensor((1,)))


def test_shape_records_no_node():
    x = SymbolicTensor((None, 3))
    assert ops.shape(x) == (None, 3)
    assert ops.shape(np.ones((2, 5))) == (2, 5)
    assert ops.shape(Variable(np.ones((4,), "float32"))) == (4,)
    assert ops.shape(2.0) == ()
    assert x._history is None
    # Under jit the shape is static: plain ints.
    jax.jit(lambda a: ops.zeros(ops.shape(a)[::-1]))(jnp.ones((2, 3)))


def test_stop_gradient():
    grad = jax.grad(lambda x: (x * ops.stop_gradient(x)).sum())(jnp.ones(3))
    _close(grad, [1, 1, 1])
    _close(ops.stop_gradient(Variable([2.0])), [2])


def test_cond_and_switch():
    _close(ops.cond(True, lambda: 1.0, lambda: 2.0), 1)
    _close(jax.jit(lambda p: ops.cond(p, lambda: 1.0, lambda: 2.0))(False), 2)
    branches = [lambda x: x + 1, lambda x: x * 10]
    _close(ops.switch(1, branches, 3.0), 30)


def test_scan_and_loops():
    def step(carry, x):
        return carry + x, carry * x

    carry, ys = ops.scan(step, 0.0, jnp.arange(1.0, 4.0))
    _close(carry, 6)
    _close(ys, [0, 2, 9])
    carry, _ = ops.scan(step, 0.0, jnp.arange(1.0, 4.0), reverse=True)
    _close(carry, 6)
    with pytest.raises(ValueError, match="unroll"):
        ops.scan(step, 0.0, jnp.ones(2), unroll=0)
    _close(ops.fori_loop(0, 4, lambda i, v: v + i, 0), 6)


def test_while_loop():
    out = ops.while_loop(
        lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (0, 1)
    )
    assert isinstance(out, tuple)
    _close(out, [3, 8])
    single = ops.while_loop(lambda x: x < 10, lambda x: x + 4, 0)
    _close(single, 12)
    bounded = ops.while_loop(
        lambda x: x < 100, lambda x: [x + 1], [0], maximum_iterations=5
    )
    _close(bounded, [5])


def test_map_and_vectorized_map():
    x = jnp.arange(6.0).reshape(3, 2)
    _close(ops.map(lambda row: row.sum(), x), [1, 5, 9])
    _close(ops.vectorized_map(lambda row: row[0] * row[1], x), [0, 6, 20])


def test_slice_and_slice_update():
    x = jnp.arange(12).reshape(3, 4)
    _close(ops.slice(x, (1, 1), (2, 2)), [[5, 6], [9, 10]])
    _close(ops.slice(x, (1, 2), (-1, -1)), [[6, 7], [10, 11]])
    updated = ops.slice_update(x, (0, 1), jnp.zeros((1, 2), "int32"))
    _close(updated[0], [0, 0, 0, 3])
    traced = jax.jit(lambda i: ops.slice(x, (i, 0), (1, 4)))(2)
    _close(traced, [[8, 9, 10, 11]])


def test_scatter_and_scatter_update():
    out = ops.scatter(jnp.array([[0, 1], [0, 1], [2, 0]]), jnp.ones(3), (3, 2))
    _close(out, [[0, 2], [0, 0], [1, 0]])
    x = jnp.ones((2, 2))
    indices = jnp.array([[0, 0], [1, 1]])
    _close(
        ops.scatter_update(x, indices, jnp.array([5.0, 6.0])), [[5, 1], [1, 6]]
    )
    added = ops.scatter_update(x, indices, jnp.array([5.0, 6.0]), "add")
    _close(added, [[6, 1], [1, 7]])
    with pytest.raises(ValueError, match="reduction"):
        ops.scatter_update(x, indices, jnp.ones(2), reduction="mean")


def test_unstack():
    pieces = ops.unstack(jnp.arange(6).reshape(2, 3), axis=1)
    assert len(pieces) == 3
    _close(pieces[2], [2, 5])
    with pytest.raises(ValueError, match="num"):
        ops.unstack(jnp.ones((2, 3)), num=3)


def test_custom_gradient():
    @ops.custom_gradient
    def clipped_identity(x):
        def grad(upstream):
            return jnp.clip(upstream, -1.0, 1.0)

        return x, grad

    grad = jax.grad(lambda x: (clipped_identity(x) * 5.0).sum())(jnp.ones(2))
    _close(grad, [1, 1])
    _close(clipped_identity(Variable([2.0])), [2])


def test_symbolic_core_ops():
    x = SymbolicTensor((None, 4))
    assert ops.cast(x, "int32").dtype == "int32"
    assert ops.convert_to_tensor(x).shape == (None, 4)
    assert ops.slice(x, (0, 1), (2, 2)).shape == (2, 2)
    assert ops.stop_gradient(x).shape == (None, 4)
    pieces = ops.unstack(SymbolicTensor((2, None)))
    assert [p.shape for p in pieces] == [(None,), (None,)]
    out = ops.cond(SymbolicTensor((), "bool"), lambda: 1.0, lambda: 0.0)
    assert isinstance(out, SymbolicTensor) and out.shape == ()
    carry, ys = ops.scan(lambda c, v: (c + v, v * 2), jnp.zeros(4), x)
    assert carry.shape == (4,) and ys.shape == (None, 4)
