import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ember import ops
from ember.core.symbolic import SymbolicTensor
from ember.core.variable import Variable


def _close(actual, expected):
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-6)


# -- values -------------------------------------------------------------------


def test_arithmetic_broadcasts_and_accepts_lists_and_variables():
    x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    _close(ops.add(x, [10.0, 20.0]), [[11, 22], [13, 24]])
    _close(ops.subtract(Variable([1.0, 1.0]), x), [[0, -1], [-2, -3]])
    _close(ops.multiply(x, 2), [[2, 4], [6, 8]])
    _close(ops.divide(x, [2.0, 4.0]), [[0.5, 0.5], [1.5, 1.0]])
    _close(ops.power(x, 2), [[1, 4], [9, 16]])
    _close(ops.floor_divide(x, 3), [[0, 0], [1, 1]])
    _close(ops.mod(-x, 3), [[2, 1], [0, 2]])


def test_python_scalars_do_not_upcast_arrays():
    assert ops.add(np.ones(2, "float16"), 1.0).dtype == "float16"
    assert ops.multiply(jnp.ones(2, "bfloat16"), 3).dtype == "bfloat16"
    assert ops.add(np.ones(2, "int32"), 1.5).dtype == "float32"
    assert ops.add(np.ones(2, "int8"), 1).dtype == "int8"


def test_integer_inputs_to_float_functions_become_float32():
    ints = np.array([1, 4, 9], "int32")
    assert ops.divide(ints, 2).dtype == "float32"
    _close(ops.sqrt(ints), [1, 2, 3])
    assert ops.exp(ints).dtype == "float32"
    _close(ops.floor(np.array([-1.5, 2.5])), [-2, 2])
    assert ops.ceil(ints).dtype == "float32"


def test_unary_math():
    x = np.array([-2.0, 0.0, 0.5], "float32")
    _close(ops.abs(x), [2, 0, 0.5])
    _close(ops.sign(x), [-1, 0, 1])
    _close(ops.square(x), [4, 0, 0.25])
    _close(ops.negative(x), [2, 0, -0.5])
    _close(ops.log1p(np.array([0.0, np.e - 1])), [0, 1])
    _close(ops.clip(x, -1, 0.25), [-1, 0, 0.25])
    _close(ops.round(np.array([0.5, 1.5, 2.46]), 1), [0.5, 1.5, 2.5])
    _close(ops.round(np.array([0.5, 1.5, 2.5]), 0), [0, 2, 2])
    assert ops.clip(np.array([True, False]), 0, 1).dtype == "int32"


def test_round_integers_to_negative_decimals():
    rounded = ops.round(np.array([149, 151, -260], "int32"), decimals=-2)
    assert rounded.dtype == "int32"
    _close(rounded, [100, 200, -300])


def test_comparisons_and_logic():
    a, b = np.array([1, 2, 3]), np.array([3, 2, 1])
    _close(ops.less(a, b), [True, False, False])
    _close(ops.greater_equal(a, b), [False, True, True])
    _close(ops.equal(a, 2), [False, True, False])
    _close(ops.logical_and(a > 1, b > 1), [False, True, False])
    _close(ops.logical_not(a > 1), [True, False, False])
    _close(ops.where(a > 1, a, -1), [-1, 2, 3])


def test_where_needs_both_branches_or_none():
    (indices,) = ops.where(np.array([0, 3, 0, 1]))
    _close(indices, [1, 3])
    with pytest.raises(ValueError, match="both be given"):
        ops.where(np.array([True]), 1.0)


def test_divide_no_nan():
    _close(ops.divide_no_nan([1.0, 2.0], [0.0, 4.0]), [0.0, 0.5])


def test_reductions():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    _close(ops.sum(x), 15)
    _close(ops.sum(x, axis=[0, 1]), 15)
    _close(ops.mean(x, axis=0), [1.5, 2.5, 3.5])
    assert ops.mean(x, axis=1, keepdims=True).shape == (2, 1)
    _close(ops.max(x, axis=1), [2, 5])
    _close(ops.max(x, axis=1, initial=3.0), [3, 5])
    _close(ops.min(x, axis=0), [0, 1, 2])
    _close(ops.prod(x + 1, axis=1), [6, 120])
    _close(ops.var(x, axis=1), [2 / 3, 2 / 3])
    _close(ops.std(x), np.std(np.arange(6)))
    _close(ops.argmax(x, axis=1), [2, 2])
    _close(ops.argmin(x), 0)
    _close(ops.all(x > 0, axis=0), [False, True, True])
    _close(ops.any(x > 4), True)
    _close(ops.cumsum(x, axis=1), [[0, 1, 3], [3, 7, 12]])
    _close(ops.count_nonzero(x), 5)


def test_reduction_dtypes():
    ints = np.array([1, 2], "int32")
    assert ops.mean(ints).dtype == "float32"
    _close(ops.mean(ints), 1.5)
    assert ops.sum(np.array([True, True])).dtype == "int32"
    half = np.full((1000,), 60000, "float16")
    # float32 accumulation: the mean of large halves does not overflow.
    assert ops.mean(half).dtype == "float16"
    _close(ops.mean(half), 60000)
    assert ops.var(ints).dtype == "float32"
    assert ops.argmax(np.ones(3)).dtype == "int32"


def test_creation():
    assert ops.ones((2, 3)).dtype == "float32"
    _close(ops.zeros(2, dtype="int32"), [0, 0])
    _close(ops.full((2,), 7), [7, 7])
    assert ops.full((2,), 7).dtype == "float32"
    assert ops.zeros_like(np.ones(2, "int32")).dtype == "int32"
    assert (
        ops.ones_like(np.ones(2, "int32"), dtype="float32").dtype == "float32"
    )
    _close(ops.full_like(np.ones(2), 3.0), [3, 3])
    _close(ops.eye(2, 3, k=1), [[0, 1, 0], [0, 0, 1]])
    _close(ops.identity(2), [[1, 0], [0, 1]])
    _close(ops.linspace(0.0, 1.0, 5), [0, 0.25, 0.5, 0.75, 1])


def test_arange_dtypes():
    assert ops.arange(3).dtype == "int32"
    _close(ops.arange(1, 7, 2), [1, 3, 5])
    assert ops.arange(0.0, 1.0, 0.5).dtype == "float32"
    assert ops.arange(3, dtype="float32").dtype == "float32"


def test_shape_manipulation():
    x = np.arange(6).reshape(2, 3)
    assert ops.reshape(x, (3, -1)).shape == (3, 2)
    _close(ops.transpose(x), x.T)
    assert ops.expand_dims(x, -1).shape == (2, 3, 1)
    assert ops.squeeze(np.ones((1, 3, 1)), axis=0).shape == (3, 1)
    _close(ops.concatenate([x, x], axis=1)[0], [0, 1, 2, 0, 1, 2])
    assert ops.stack([x, x], axis=1).shape == (2, 2, 3)
    pieces = ops.split(x, 3, axis=1)
    assert len(pieces) == 3 and pieces[0].shape == (2, 1)
    _close(ops.tile([1, 2], 2), [1, 2, 1, 2])
    _close(ops.repeat([1, 2], 2), [1, 1, 2, 2])
    _close(ops.flip([1, 2, 3]), [3, 2, 1])
    _close(ops.roll([1, 2, 3], 1), [3, 1, 2])
    _close(ops.pad([1, 2], (1, 2)), [0, 1, 2, 0, 0])
    _close(ops.pad([1, 2], 1, mode="edge"), [1, 1, 2, 2])
    assert ops.broadcast_to([1, 2], (3, 2)).shape == (3, 2)
    assert ops.moveaxis(np.ones((1, 2, 3)), 0, -1).shape == (2, 3, 1)
    _close(ops.tril(np.ones((2, 2))), [[1, 0], [1, 1]])


def test_pad_rejects_constant_values_outside_constant_mode():
    with pytest.raises(ValueError, match="constant_values"):
        ops.pad([1, 2], 1, mode="edge", constant_values=3)


def test_indexing():
    x = np.array([[10, 20, 30], [40, 50, 60]])
    _close(ops.take(x, [0, -1], axis=1), [[10, 30], [40, 60]])
    _close(ops.take_along_axis(x, np.array([[2], [0]]), axis=1), [[30], [40]])
    _close(ops.get_item(x, (1, slice(1, None))), [50, 60])


def test_products():
    a = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    _close(ops.matmul(a, a), [[7, 10], [15, 22]])
    _close(ops.dot(a, [1.0, 1.0]), [3, 7])
    _close(ops.einsum("ij,ij->i", a, a), [5, 25])
    _close(ops.outer([1, 2], [3, 4]), [[3, 4], [6, 8]])
    _close(ops.tensordot(a, a, axes=1), [[7, 10], [15, 22]])
    int8 = np.full((2, 2), 100, "int8")
    product = ops.matmul(int8, int8)
    assert product.dtype == "int32"
    _close(product, [[20000, 20000], [20000, 20000]])


def test_size_and_ndim():
    assert ops.size(np.ones((2, 3))) == 6
    assert ops.ndim(np.ones((2, 3))) == 2
    assert ops.ndim(SymbolicTensor((None, 3))) == 2


# -- symbolic -----------------------------------------------------------------

X = SymbolicTensor((None, 3, 4))

SYMBOLIC_CASES = [
    (ops.add, (X, 1.0), (None, 3, 4)),
    (ops.multiply, (X, SymbolicTensor((4,))), (None, 3, 4)),
    (ops.exp, (X,), (None, 3, 4)),
    (ops.greater, (X, 0.0), (None, 3, 4)),
    (ops.where, (SymbolicTensor((None, 3, 4), "bool"), X, 0.0), (None, 3, 4)),
    (ops.mean, (X,), ()),
    (ops.sum, (X, 1), (None, 4)),
    (ops.max, (X, -1, True), (None, 3, 1)),
    (ops.argmax, (X, 1), (None, 4)),
    (ops.var, (X, (1, 2)), (None,)),
    (ops.matmul, (X, SymbolicTensor((4, 5))), (None, 3, 5)),
    (ops.transpose, (X, (0, 2, 1)), (None, 4, 3)),
    (ops.reshape, (X, (-1, 12)), (None, 12)),
    (ops.expand_dims, (X, 1), (None, 1, 3, 4)),
    (ops.squeeze, (SymbolicTensor((None, 1, 4)), 1), (None, 4)),
    (ops.concatenate, ([X, X], -1), (None, 3, 8)),
    (ops.stack, ([X, X], 1), (None, 2, 3, 4)),
    (ops.tile, (X, (1, 2, 1)), (None, 6, 4)),
    (ops.repeat, (X, 3, 2), (None, 3, 12)),
    (ops.take, (X, np.array([0, 2]), 1), (None, 2, 4)),
    (ops.pad, (X, ((0, 0), (1, 1), (0, 0))), (None, 5, 4)),
    (ops.einsum, ("bij,jk->bik", X, SymbolicTensor((4, 2))), (None, 3, 2)),
    (ops.cumsum, (X, 1), (None, 3, 4)),
    (ops.get_item, (X, (slice(None), 0)), (None, 4)),
    (ops.zeros_like, (X,), (None, 3, 4)),
    (ops.broadcast_to, (SymbolicTensor((3, 1)), (2, 3, 4)), (2, 3, 4)),
]


@pytest.mark.parametrize(
    "fn, args, expected",
    SYMBOLIC_CASES,
    ids=[c[0].__name__ for c in SYMBOLIC_CASES],
)
def test_symbolic_inputs_give_symbolic_outputs(fn, args, expected):
    out = fn(*args)
    assert isinstance(out, SymbolicTensor)
    assert out.shape == expected
    assert out._history is not None


def test_symbolic_split_returns_a_list_of_symbolic_tensors():
    pieces = ops.split(X, 2, axis=-1)
    assert [p.shape for p in pieces] == [(None, 3, 2), (None, 3, 2)]


def test_symbolic_dtypes_follow_the_op():
    assert ops.mean(SymbolicTensor((None, 2), "int32")).dtype == "float32"
    assert ops.less(X, 1.0).dtype == "bool"


# -- jit ----------------------------------------------------------------------


def test_ops_work_under_jit():
    def fn(x, y):
        z = ops.matmul(ops.transpose(x), y)
        z = ops.where(ops.greater(z, 0), z, ops.zeros_like(z))
        return ops.mean(ops.concatenate([z, ops.square(z)], axis=0), axis=0)

    x = np.random.default_rng(0).standard_normal((3, 2)).astype("float32")
    y = np.random.default_rng(1).standard_normal((3, 4)).astype("float32")
    np.testing.assert_allclose(jax.jit(fn)(x, y), fn(x, y), rtol=1e-6)
