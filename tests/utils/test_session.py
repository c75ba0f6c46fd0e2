"""clear_session resets automatic names and the global generator; the
keras.utils aliases are ember.saving's objects."""

import numpy as np

import ember
from ember import utils


def test_clear_session_restarts_automatic_names():
    ember.layers.Dense(1)
    assert ember.layers.Dense(1).name != "dense"
    utils.clear_session()
    assert ember.layers.Dense(1).name == "dense"
    assert ember.layers.Dense(1).name == "dense_1"


def test_clear_session_forgets_the_global_generator():
    utils.set_random_seed(5)
    seeded = np.asarray(ember.random.normal((4,)))
    utils.set_random_seed(5)
    utils.clear_session(free_memory=False)
    # A fresh, randomly seeded generator: not the seeded sequence.
    assert not np.array_equal(ember.random.normal((4,)), seeded)


def test_saving_aliases():
    for name in (
        "serialize_keras_object",
        "deserialize_keras_object",
        "register_keras_serializable",
        "custom_object_scope",
        "get_custom_objects",
        "get_registered_name",
        "get_registered_object",
        "CustomObjectScope",
    ):
        assert getattr(utils, name) is getattr(ember.saving, name)
