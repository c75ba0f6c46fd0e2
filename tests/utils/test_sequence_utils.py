"""pad_sequences against hand-written results and its error messages."""

import numpy as np
import pytest

from ember import utils

SEQUENCES = [[1, 2, 3], [4, 5], [], [6, 7, 8, 9]]


def test_defaults_pad_and_truncate_at_the_front():
    out = utils.pad_sequences(SEQUENCES)
    np.testing.assert_array_equal(
        out, [[0, 1, 2, 3], [0, 0, 4, 5], [0, 0, 0, 0], [6, 7, 8, 9]]
    )
    assert out.dtype == np.int32


def test_maxlen_post_padding_post_truncating_and_value():
    out = utils.pad_sequences(
        SEQUENCES, maxlen=3, padding="post", truncating="post", value=-1
    )
    np.testing.assert_array_equal(
        out, [[1, 2, 3], [4, 5, -1], [-1, -1, -1], [6, 7, 8]]
    )


def test_pre_truncating_keeps_the_end():
    out = utils.pad_sequences([[6, 7, 8, 9]], maxlen=2)
    np.testing.assert_array_equal(out, [[8, 9]])


def test_float_dtype_and_value():
    out = utils.pad_sequences([[1.5], [2.5, 3.5]], dtype="float32", value=0.5)
    np.testing.assert_array_equal(out, [[0.5, 1.5], [2.5, 3.5]])
    assert out.dtype == np.float32


def test_items_with_a_shape():
    out = utils.pad_sequences([np.ones((1, 2)), np.zeros((2, 2))], maxlen=2)
    assert out.shape == (2, 2, 2)
    np.testing.assert_array_equal(out[0], [[0, 0], [1, 1]])


def test_strings_with_object_dtype():
    out = utils.pad_sequences([["a"], ["b", "c"]], dtype=object, value="")
    assert out.tolist() == [["", "a"], ["b", "c"]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"padding": "middle"}, 'Padding type "middle" not understood'),
        ({"truncating": "x"}, 'Truncating type "x" not understood'),
        ({"value": "pad"}, "should set `dtype=object`"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        utils.pad_sequences(SEQUENCES, **kwargs)


def test_non_iterable_sequence_is_refused():
    with pytest.raises(ValueError, match="Found non-iterable: 3"):
        utils.pad_sequences([[1], 3])


def test_item_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match="at position 1 is different"):
        utils.pad_sequences([np.ones((1, 2)), np.ones((1, 3))])
