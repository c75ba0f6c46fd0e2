"""Merging layers: hand-computed values, broadcasting, masks and errors."""

import numpy as np
import pytest

import ember
from ember import layers

A = np.array([[1.0, 5.0], [-2.0, 0.5]], "float32")
B = np.array([[3.0, 2.0], [4.0, -1.0]], "float32")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Add", [[4.0, 7.0], [2.0, -0.5]]),
        ("Subtract", [[-2.0, 3.0], [-6.0, 1.5]]),
        ("Multiply", [[3.0, 10.0], [-8.0, -0.5]]),
        ("Average", [[2.0, 3.5], [1.0, -0.25]]),
        ("Maximum", [[3.0, 5.0], [4.0, 0.5]]),
        ("Minimum", [[1.0, 2.0], [-2.0, -1.0]]),
    ],
)
def test_elementwise_hand_computed(name, expected):
    np.testing.assert_allclose(getattr(layers, name)()([A, B]), expected)
    function = getattr(layers, name.lower())
    np.testing.assert_allclose(function([A, B]), expected)


def test_three_inputs_and_broadcasting():
    c = np.array([[1.0], [2.0]], "float32")
    np.testing.assert_allclose(
        layers.Add()([A, B, c]), [[5.0, 8.0], [4.0, 1.5]]
    )
    # (2, 2) against (2, 3, 2): the lower-rank input gains axis 1.
    x = np.ones((2, 3, 2), "float32")
    out = layers.Add()([A, x])
    assert out.shape == (2, 3, 2)
    np.testing.assert_allclose(out[:, 1], A + 1)
    symbolic = layers.Multiply()([ember.Input((2,)), ember.Input((3, 2))])
    assert symbolic.shape == (None, 3, 2)


def test_concatenate_and_dot_hand_computed():
    np.testing.assert_allclose(
        layers.Concatenate()([A, B]),
        [[1.0, 5.0, 3.0, 2.0], [-2.0, 0.5, 4.0, -1.0]],
    )
    np.testing.assert_allclose(layers.concatenate([A, B], axis=0)[2:], B)
    # Row-wise dot products: 1*3 + 5*2 and -2*4 + 0.5*-1.
    np.testing.assert_allclose(layers.Dot(axes=1)([A, B]), [[13.0], [-8.5]])
    x = np.array([[3.0, 4.0]], "float32")
    y = np.array([[4.0, 3.0]], "float32")
    np.testing.assert_allclose(
        layers.dot([x, y], axes=1, normalize=True), [[24.0 / 25.0]], rtol=1e-6
    )
    x = np.arange(6, dtype="float32").reshape(1, 2, 3)
    y = np.arange(6, dtype="float32").reshape(1, 3, 2)
    np.testing.assert_allclose(layers.Dot(axes=(2, 1))([x, y]), x[0:1] @ y[0:1])
    assert layers.Dot(axes=(1, 2))(
        [ember.Input((3, 5)), ember.Input((4, 3))]
    ).shape == (
        None,
        5,
        4,
    )


def test_masked_maximum_and_multiply():
    x = np.array([[[1.0], [7.0]]], "float32")
    y = np.array([[[4.0], [9.0]]], "float32")
    masks = [np.array([[True, False]]), np.array([[False, False]])]
    # Step 0: only x is unmasked, so x's 1 wins over y's 4; step 1 is
    # masked in both and keeps the first input's 7 (as Keras does).
    np.testing.assert_allclose(
        layers.Maximum()([x, y], mask=masks), [[[1.0], [7.0]]]
    )
    # Masked values count as 1; steps masked in all inputs become 0.
    np.testing.assert_allclose(
        layers.Multiply()([x, y], mask=masks), [[[1.0], [0.0]]]
    )
    np.testing.assert_array_equal(
        layers.Add().compute_mask([x, y], masks), [[True, False]]
    )
    assert layers.Add().compute_mask([x, y], [masks[0], None]) is None


def test_merging_configs_round_trip():
    for layer in (layers.Concatenate(axis=1), layers.Dot(axes=(1, 2))):
        config = layer.get_config()
        assert type(layer).from_config(config).get_config() == config
    assert layers.Dot(axes=[1, 2], normalize=True).get_config()["axes"] == [
        1,
        2,
    ]


def test_merging_errors_name_the_layer_and_shapes():
    with pytest.raises(
        ValueError,
        match=r'Concatenate "cat" .*got shapes \(None, 3, 4\) and '
        r"\(None, 2, 5\)",
    ):
        layers.Concatenate(name="cat")(
            [ember.Input((3, 4)), ember.Input((2, 5))]
        )
    with pytest.raises(
        ValueError, match=r'Concatenate "c2".*\(2, 3\).*\(2, 3, 1\)'
    ):
        layers.Concatenate(name="c2")(
            [np.ones((2, 3), "float32"), np.ones((2, 3, 1), "float32")]
        )
    with pytest.raises(
        ValueError,
        match=r'Add "plus" .*incompatible shapes \(None, 3\) and '
        r"\(None, 4\)",
    ):
        layers.Add(name="plus")([ember.Input((3,)), ember.Input((4,))])
    with pytest.raises(ValueError, match=r'Subtract "minus".*exactly 2 inputs'):
        layers.Subtract(name="minus")([A, A, A])
    with pytest.raises(
        ValueError, match=r'Add "a1" should be called on a list'
    ):
        layers.Add(name="a1")(A)
    with pytest.raises(
        ValueError, match=r"different batch sizes.*\(2, 2\).*\(3, 2\)"
    ):
        layers.Add()([A, np.ones((3, 2), "float32")])
    with pytest.raises(
        ValueError, match=r'Dot "d".*dot-product axes.*\(None, 3\).*\(None, 4\)'
    ):
        layers.Dot(axes=1, name="d")([ember.Input((3,)), ember.Input((4,))])
    with pytest.raises(ValueError, match="batch axis 0"):
        layers.Dot(axes=(0, 1))([A, B])
    with pytest.raises(TypeError, match="axes='x'"):
        layers.Dot(axes="x")
    with pytest.raises(ValueError, match=r"axes=\(1, 2, 3\)"):
        layers.Dot(axes=(1, 2, 3))
    with pytest.raises(ValueError, match="axis=1.5"):
        layers.Concatenate(axis=1.5)
