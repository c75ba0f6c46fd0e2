"""Argument checks: the same message for a bad value given in code and
read from a `.keras` file, raised before anything reaches `jnp` or XLA."""

import io
import json
import re
import zipfile

import numpy as np
import pytest

import ember
from ember.core import checks


def test_number_and_bool_arguments_are_checked_in_code():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "BatchNormalization 'bn': expected `momentum` to be a finite "
            "number (or a list of them). Received: momentum='x'"
        ),
    ):
        ember.layers.BatchNormalization(momentum="x", name="bn")
    with pytest.raises(ValueError, match="`use_bias` to be a bool"):
        ember.layers.Dense(3, use_bias="yes")
    with pytest.raises(
        ValueError, match=r"Adam: expected `beta_1` to be a finite number\."
    ):
        ember.optimizers.Adam(beta_1=[0.9])
    with pytest.raises(
        ValueError, match=r"RandomNormal: expected `stddev` .*stddev='big'"
    ):
        ember.initializers.RandomNormal(stddev="big")
    # Numbers of numpy's kinds and lists still pass.
    ember.layers.BatchNormalization(momentum=np.float32(0.9))
    ember.layers.Rescaling(1 / 255, offset=[0.0, 1.0])


def test_check_helpers():
    assert checks.check_int("Thing", "n", np.int64(3), minimum=1) == 3
    with pytest.raises(ValueError, match="a positive integer. .*n=True"):
        checks.check_int("Thing", "n", True, minimum=1)
    with pytest.raises(ValueError, match="a finite number.*x=nan"):
        checks.check_real("Thing", "x", float("nan"))
    assert checks.check_shape("Thing", "shape", [None, 3]) == (None, 3)
    with pytest.raises(ValueError, match="shape=\\[3, -1\\]"):
        checks.check_shape("Thing", "shape", [3, -1])


def test_variable_larger_than_the_limit_is_refused_before_allocation():
    with checks.variable_bytes_limit(1000, "the test allows"):
        ember.Variable(np.zeros((10, 10), "float32"))  # A value: no limit.
        with pytest.raises(
            ValueError,
            match=re.escape(
                "shape (10, 1000000000) would take 40000000000 bytes, more "
                "than the test allows (1000 bytes)"
            ),
        ):
            ember.layers.Dense(10**9).build((None, 10))


def _archive(model, edit):
    buffer = io.BytesIO()
    model.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return io.BytesIO(out.getvalue())


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda c: c["config"]["layers"][1]["config"].update(momentum="x"),
            "config.json: Sequential 'sequential': BatchNormalization "
            "'batch_normalization': expected `momentum` to be a finite number",
        ),
        (
            lambda c: c["config"]["layers"][2]["config"].update(units=10**9),
            "config.json: Sequential 'sequential': Dense 'dense': Variable "
            "'dense/kernel' of shape (4, 1000000000)",
        ),
        (
            lambda c: c["config"]["layers"][2]["config"].update(dtype=3),
            "config.json: Sequential 'sequential': Dense 'dense': Invalid "
            "dtype: 3",
        ),
        (
            lambda c: c["config"]["layers"][2]["config"].update(
                dtype={"class_name": "DTypePolicy", "config": 3}
            ),
            "config.json: Sequential 'sequential': Dense 'dense': Invalid "
            "`dtype`: expected a dtype name",
        ),
        (
            lambda c: c["config"]["layers"][2]["config"][
                "kernel_initializer"
            ].update(config=1.5),
            "config.json: Sequential 'sequential': Dense \"dense\": invalid "
            "`kernel_initializer`",
        ),
    ],
)
def test_damaged_config_values_raise_naming_member_path_and_argument(
    edit, message
):
    model = ember.Sequential(
        [
            ember.Input((4,)),
            ember.layers.BatchNormalization(),
            ember.layers.Dense(2),
        ]
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        ember.saving.load_model(_archive(model, edit))


def test_damaged_nested_layer_message_reads_as_a_path():
    inputs = ember.Input((4,))
    inner = ember.Model(inputs, ember.layers.Dense(2, name="d")(inputs))
    inner.name = "inner"
    outer_inputs = ember.Input((4,))
    outer = ember.Model(outer_inputs, inner(outer_inputs), name="outer")

    def edit(config):
        inner_config = config["config"]["layers"][1]["config"]
        inner_config["layers"][1]["config"]["units"] = -2

    with pytest.raises(
        ValueError,
        match=re.escape(
            "config.json: Functional 'outer': Functional 'inner': Dense 'd': "
            "Received an invalid value for `units`, expected a positive "
            "integer. Received: units=-2"
        ),
    ):
        ember.saving.load_model(_archive(outer, edit))
