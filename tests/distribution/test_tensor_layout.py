"""Tests for ember.distribution.TensorLayout and distribute_tensor."""

import jax
import numpy as np
import pytest

import ember
from ember import distribution
from tests.distribution._devices import run_on_four_devices


def _mesh():
    return distribution.DeviceMesh((1,), ["model"], ["cpu:0"])


def test_layout_checks_its_axes_against_the_mesh():
    layout = distribution.TensorLayout(["model", None])
    assert layout.device_mesh is None
    with pytest.raises(ValueError, match="before the device mesh is set"):
        _ = layout.backend_layout
    layout.device_mesh = _mesh()
    assert layout.backend_layout.spec == jax.sharding.PartitionSpec(
        "model", None
    )
    with pytest.raises(ValueError, match="set already"):
        layout.device_mesh = _mesh()
    with pytest.raises(
        ValueError, match=r"axes \['batch'\] are not axes of the device mesh"
    ):
        distribution.TensorLayout(["batch"], _mesh())


def test_distribute_tensor_places_eagerly_and_passes_symbolic_tensors():
    layout = distribution.TensorLayout([None, "model"], _mesh())
    value = distribution.distribute_tensor(np.ones((2, 3)), layout)
    assert value.sharding.is_equivalent_to(layout.backend_layout, 2)
    np.testing.assert_array_equal(value, np.ones((2, 3)))
    assert distribution.distribute_tensor(value, layout) is value
    symbolic = ember.Input((3,))
    assert distribution.distribute_tensor(symbolic, layout) is symbolic


def test_distribute_tensor_shards_over_four_devices_eagerly_and_traced():
    result = run_on_four_devices(
        """
        import json
        import jax
        import numpy as np
        from ember import distribution
        mesh = distribution.DeviceMesh((4,), ["batch"])
        layout = distribution.TensorLayout(["batch", None], mesh)
        x = np.arange(24.0).reshape(8, 3)
        x = distribution.distribute_tensor(x, layout)
        shards = [s.data.shape for s in x.addressable_shards]

        @jax.jit
        def double(v):
            return distribution.distribute_tensor(v * 2, layout)

        y = double(np.ones((8, 3)))
        print(json.dumps([
            [list(s) for s in shards],
            y.sharding.is_equivalent_to(layout.backend_layout, 2),
            float(y.sum()),
            float(x.sum()),
        ]))
        """
    )
    assert result[0] == [[2, 3]] * 4
    assert result[1] is True
    assert result[2:] == [48.0, 276.0]
