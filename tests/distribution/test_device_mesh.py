"""Tests for ember.distribution.DeviceMesh."""

import pytest

from ember import distribution
from tests.distribution._devices import run_on_four_devices


def test_mesh_holds_devices_in_its_shape_and_builds_a_jax_mesh():
    mesh = distribution.DeviceMesh((1,), ["batch"], ["cpu:0"])
    assert mesh.devices.shape == (1,)
    assert mesh.backend_mesh.axis_names == ("batch",)
    assert repr(mesh) == "<DeviceMesh shape=(1,), axis_names=['batch']>"


@pytest.mark.parametrize(
    ("shape", "names", "message"),
    [
        ((), [], "cannot be empty"),
        ((1,), ["a", "b"], "must have the same length"),
        ((2,), ["batch"], r"shape \(2,\) holds 2 devices, but 1 were given"),
    ],
)
def test_bad_mesh_arguments_are_refused(shape, names, message):
    with pytest.raises(ValueError, match=message):
        distribution.DeviceMesh(shape, names, ["cpu:0"])


def test_unknown_device_is_named():
    mesh = distribution.DeviceMesh((1,), ["batch"], ["cpu:7"])
    with pytest.raises(ValueError, match="Device not found: 'cpu:7'"):
        _ = mesh.backend_mesh


def test_two_by_two_mesh_on_four_devices():
    result = run_on_four_devices(
        """
        import json
        from ember import distribution
        mesh = distribution.DeviceMesh((2, 2), ["batch", "model"])
        jax_mesh = mesh.backend_mesh
        print(json.dumps([
            distribution.list_devices(),
            distribution.get_device_count("cpu"),
            mesh.devices.tolist(),
            dict(jax_mesh.shape),
        ]))
        """
    )
    names = ["cpu:0", "cpu:1", "cpu:2", "cpu:3"]
    assert result == [
        names,
        4,
        [names[:2], names[2:]],
        {"batch": 2, "model": 2},
    ]
