"""TensorFlow's string hashes without TensorFlow: FarmHash Fingerprint64
on FarmHash's published values (every length branch), and bucket values
from Keras' and TensorFlow's documented examples."""

import pytest

from ember.layers.preprocessing._string_hash import fingerprint64
from ember.layers.preprocessing._string_hash import hash_buckets

FINGERPRINTS = {
    "": 0x9AE16A3B2F90404F,
    "a": 0xB3454265B6DF75E3,
    "abcd": 0x1A5502DE4A1F8101,
    "abcdefgh": 0xFEE9D22990C82909,
    "0123456789=012345": 0x46A7416ED4861E3B,
    "C is as portable as Stonehedge!!": 0xB944F8A16261E414,
    "Discard medicine more than two years old.": 0xE8F89AB6DF9BDD25,
    "For every action there is an equal and opposite government program.": (
        0x55182F8859ECA4CE
    ),
    "There is no reason for any individual to have a computer in their "
    "home. -Ken Olsen, 1977": 0x7E85D7B050ED2967,
}


@pytest.mark.parametrize("text", list(FINGERPRINTS), ids=len)
def test_fingerprint64(text):
    assert fingerprint64(text.encode()) == FINGERPRINTS[text]


def test_buckets_equal_tensorflow_and_keras_examples():
    # tf.strings.to_hash_bucket_fast's documented example.
    assert hash_buckets(["Hello", "TensorFlow", "2.x"], 3).tolist() == [0, 2, 2]
    # keras.layers.Hashing's documented examples (FarmHash64, SipHash64).
    assert hash_buckets(list("ABCDE"), 3).tolist() == [1, 0, 1, 1, 2]
    assert hash_buckets(list("ABCDE"), 3, (133, 137)).tolist() == [
        1,
        2,
        1,
        0,
        2,
    ]
    assert hash_buckets(list("ABCDE"), 3, (133, 133)).tolist() == [
        0,
        0,
        2,
        1,
        0,
    ]
