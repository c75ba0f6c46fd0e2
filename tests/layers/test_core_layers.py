"""Embedding, EinsumDense, Masking and Lambda's output_shape:
hand-computed values, masks and errors."""

import jax
import numpy as np
import pytest

import ember
from ember import layers

TABLE = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]], "float32")


def test_embedding_lookup_and_mask():
    layer = layers.Embedding(3, 2, mask_zero=True)
    layer.build()
    layer.set_weights([TABLE])
    x = np.array([[2, 0, 1]])
    np.testing.assert_array_equal(
        layer(x), [[[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]]]
    )
    np.testing.assert_array_equal(layer(x.astype("float32")), layer(x))
    np.testing.assert_array_equal(layer.compute_mask(x), [[True, False, True]])
    assert layer.supports_masking
    assert layers.Embedding(3, 2).compute_mask(x) is None
    assert [v.path for v in layer.weights] == ["embedding/embeddings"]
    assert layer(ember.Input((5,), dtype="int32")).shape == (None, 5, 2)


def test_embedding_weights_argument_and_gradient():
    layer = layers.Embedding(3, 2, weights=[TABLE])
    assert layer.built
    x = np.array([[1, 1, 2]])

    def total(values):
        return layer.stateless_call(values, [], x)[0].sum()

    grad = jax.grad(total)([layer.embeddings.value])[0]
    np.testing.assert_array_equal(grad, [[0.0, 0.0], [2.0, 2.0], [1.0, 1.0]])


def test_embedding_errors():
    with pytest.raises(ValueError, match="input_dim=0"):
        layers.Embedding(0, 2)
    with pytest.raises(ValueError, match="output_dim=2.5"):
        layers.Embedding(3, 2.5)
    with pytest.raises(ValueError, match="lora_rank=4"):
        layers.Embedding(3, 2, lora_rank=4)
    with pytest.warns(UserWarning, match="input_length"):
        layers.Embedding(3, 2, input_length=5)


def test_einsum_dense_hand_computed():
    layer = layers.EinsumDense("ab,bc->ac", output_shape=2, bias_axes="c")
    layer.build((None, 3))
    kernel = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "float32")
    layer.set_weights([kernel, np.array([0.5, -1.0], "float32")])
    np.testing.assert_allclose(
        layer(np.array([[1.0, 2.0, 3.0]], "float32")), [[4.5, 4.0]]
    )
    layer = layers.EinsumDense("abc,cde->abde", (None, 2, 4), bias_axes="de")
    out = layer(np.ones((2, 3, 5), "float32"))
    assert out.shape == (2, 3, 2, 4)
    assert [v.shape for v in layer.weights] == [(5, 2, 4), (2, 4)]
    assert [v.name for v in layer.weights] == ["kernel", "bias"]
    right = layers.EinsumDense("ab...,bc->ac...", 4, bias_axes="c")
    right(np.ones((2, 6, 5), "float32"))
    assert right.weights[1].shape == (4, 1)


def test_einsum_dense_errors():
    with pytest.raises(ValueError, match="Invalid einsum equation 'ab->b'"):
        layers.EinsumDense("ab->b", 2)
    with pytest.raises(ValueError, match=r'EinsumDense "e".*bias axis \'x\''):
        layers.EinsumDense("ab,bc->ac", 2, bias_axes="x", name="e")(
            np.ones((1, 3), "float32")
        )
    with pytest.raises(
        ValueError, match=r'EinsumDense "f".*rank 2.*\(1, 2, 3\)'
    ):
        layers.EinsumDense("ab,bc->ac", 2, name="f")(
            np.ones((1, 2, 3), "float32")
        )
    with pytest.raises(ValueError, match=r"shared dimension 'b'"):
        layers.EinsumDense("abc,cd->abd", (4, 2))(np.ones((1, 3, 5), "float32"))
    with pytest.raises(ValueError, match="kernel dimension 'z'"):
        layers.EinsumDense("ab,bz->ab", 3)(np.ones((1, 3), "float32"))


def test_masking_values_and_mask():
    x = np.array(
        [
            [[1.0, 2.0], [0.0, 0.0], [0.0, 3.0]],
            [[5.0, 5.0], [5.0, 5.0], [1.0, 5.0]],
        ],
        "float32",
    )
    np.testing.assert_array_equal(
        layers.Masking().compute_mask(x), [[True, False, True], [True] * 3]
    )
    out = layers.Masking(mask_value=5.0)(x)
    np.testing.assert_array_equal(out[1], [[0.0, 0.0], [0.0, 0.0], [1.0, 5.0]])
    np.testing.assert_array_equal(out[0], x[0])
    assert layers.Masking().supports_masking
    assert layers.Masking(1.0).get_config()["mask_value"] == 1.0


def test_lambda_output_shape_skips_tracing():
    def to_numpy_and_back(x):
        return np.asarray(x) * 2  # works only on concrete arrays

    x = ember.Input((3,))
    y = layers.Lambda(to_numpy_and_back, output_shape=(3,))(x)
    assert y.shape == (None, 3)
    model = ember.Model(x, y)
    np.testing.assert_array_equal(model(np.ones((2, 3), "float32")), 2.0)
    z = layers.Lambda(lambda t: t[:, :2], output_shape=lambda s: (s[0], 2))(x)
    assert z.shape == (None, 2)
    pair = layers.Lambda(lambda t: (t, t), output_shape=((3,), (3,)))(x)
    assert [t.shape for t in pair] == [(None, 3), (None, 3)]
