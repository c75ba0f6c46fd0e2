"""Tests for ember.distribution.ModelParallel."""

import pytest

import ember
from ember import distribution
from tests.distribution._devices import run_on_four_devices


def _layout_map():
    mesh = distribution.DeviceMesh((1, 1), ["batch", "model"], ["cpu:0"])
    layout_map = distribution.LayoutMap(mesh)
    layout_map["dense.*kernel"] = (None, "model")
    return layout_map


def test_variables_take_their_paths_layouts_or_are_replicated():
    strategy = distribution.ModelParallel(layout_map=_layout_map())
    layer = ember.layers.Dense(4, name="dense")
    layer.build((None, 3))
    assert strategy.get_variable_layout(layer.kernel).axes == (None, "model")
    assert strategy.get_variable_layout(layer.bias).axes == (None,)
    assert strategy.get_data_layout((2, 3)).axes == ("batch", None)
    assert strategy.get_tensor_layout("dense/kernel").axes == (None, "model")
    assert strategy.num_model_replicas == 1


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="expected `layout_map` to be a"):
        distribution.ModelParallel()
    with pytest.raises(ValueError, match="must be an axis of the mesh"):
        distribution.ModelParallel(
            layout_map=_layout_map(), batch_dim_name="data"
        )


def test_kernel_is_split_over_the_model_axis_on_four_devices():
    result = run_on_four_devices(
        """
        import json
        from ember import distribution
        mesh = distribution.DeviceMesh((2, 2), ["batch", "model"])
        layout_map = distribution.LayoutMap(mesh)
        layout_map["d.*kernel"] = (None, "model")
        strategy = distribution.ModelParallel(layout_map=layout_map)
        import ember
        layer = ember.layers.Dense(6, name="d")
        layer.build((None, 4))
        layout = strategy.get_variable_layout(layer.kernel)
        kernel = distribution.distribute_tensor(layer.kernel.value, layout)
        print(json.dumps([
            strategy.num_model_replicas,
            sorted({list(s.data.shape).__repr__()
                    for s in kernel.addressable_shards}),
        ]))
        """
    )
    assert result == [2, ["[4, 3]"]]


def test_layer_outputs_take_the_layout_maps_output_layout():
    # Keras' key for an intermediate tensor: "{layer name}/output".
    result = run_on_four_devices(
        """
        import json
        import jax
        import numpy as np
        import ember
        from ember import distribution
        mesh = distribution.DeviceMesh((2, 2), ["batch", "model"])
        layout_map = distribution.LayoutMap(mesh)
        layout_map["d1/output"] = ("batch", "model")
        distribution.set_distribution(
            distribution.ModelParallel(layout_map=layout_map))
        first = ember.layers.Dense(6, name="d1")
        second = ember.layers.Dense(2, name="d2")
        x = np.ones((4, 3), "float32")
        eager = first(x)
        traced = jax.jit(lambda v: second(first(v)) * 1.0)(x)
        inner = jax.jit(first)(x)
        print(json.dumps([
            list(eager.sharding.spec),
            list(inner.sharding.spec),
            repr(ember.layers.Dense(6, name="d3")(x).sharding),
            float(np.abs(np.asarray(traced)
                         - np.asarray(second(first(x)))).max()),
        ]))
        """
    )
    eager, traced, untouched, difference = result
    assert eager == ["batch", "model"]
    assert traced == ["batch", "model"]
    # A layer the map does not name keeps the layout XLA gives it.
    assert "model" not in untouched
    assert difference < 1e-6
