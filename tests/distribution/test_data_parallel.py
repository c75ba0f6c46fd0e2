"""Tests for ember.distribution.DataParallel."""

import pytest

import ember
from ember import distribution
from tests.distribution._devices import run_on_four_devices


def test_layouts_split_the_batch_and_replicate_variables():
    strategy = distribution.DataParallel(devices=["cpu:0"])
    assert strategy.get_data_layout((8, 28, 28, 1)).axes == (
        "batch",
        None,
        None,
        None,
    )
    kernel = ember.Variable(ember.ops.zeros((3, 2)), name="kernel")
    assert strategy.get_variable_layout(kernel).axes == (None, None)
    assert strategy.get_tensor_layout("dense/output") is None
    assert strategy.num_model_replicas == 1
    assert strategy.data_shard_id == 0


def test_mesh_argument_is_checked_and_its_first_axis_splits_the_batch():
    with pytest.raises(ValueError, match="expected `device_mesh` to be a"):
        distribution.DataParallel(device_mesh=(1,))
    mesh = distribution.DeviceMesh((1, 1), ["data", "model"], ["cpu:0"])
    with pytest.warns(UserWarning, match="expects a 1D mesh"):
        strategy = distribution.DataParallel(device_mesh=mesh)
    assert strategy.batch_dim_name == "data"


def test_default_uses_every_device():
    result = run_on_four_devices(
        """
        import json
        from ember import distribution
        strategy = distribution.DataParallel()
        print(json.dumps([
            list(strategy.device_mesh.shape),
            strategy.num_model_replicas,
            list(strategy.get_data_layout((8, 3)).backend_layout.spec),
        ]))
        """
    )
    assert result == [[4], 4, ["batch", None]]
