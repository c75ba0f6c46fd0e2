"""Tests for ember.distribution.LayoutMap."""

import pytest

from ember import distribution


def _layout_map():
    mesh = distribution.DeviceMesh((1, 1), ["batch", "model"], ["cpu:0"])
    layout_map = distribution.LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map[".*dense.*bias"] = ("model",)
    layout_map["conv2d/kernel"] = distribution.TensorLayout(
        [None, None, None, "model"]
    )
    return layout_map


def test_lookup_by_exact_key_then_by_full_regex_match():
    layout_map = _layout_map()
    assert layout_map["dense_1/kernel"].axes == (None, "model")
    assert layout_map["model/dense_2/bias"].axes == ("model",)
    assert layout_map["conv2d/kernel"].axes == (None, None, None, "model")
    # fullmatch: a key must match the whole path.
    assert layout_map["conv2d/kernel_1"] is None
    assert layout_map["conv3d/kernel"] is None
    # Tuples became layouts on the map's mesh.
    assert layout_map["dense/kernel"].device_mesh is layout_map.device_mesh
    assert list(layout_map) == [
        ".*dense.*kernel",
        ".*dense.*bias",
        "conv2d/kernel",
    ]
    del layout_map["conv2d/kernel"]
    assert len(layout_map) == 2


def test_ambiguous_duplicate_and_wrong_values_are_refused():
    layout_map = _layout_map()
    layout_map["dense_1/.*"] = ("model", None)
    with pytest.raises(ValueError, match="matches several keys"):
        layout_map["dense_1/kernel"]
    with pytest.raises(ValueError, match="is set already"):
        layout_map[".*dense.*bias"] = ("model",)
    with pytest.raises(ValueError, match="must be a TensorLayout or a tuple"):
        layout_map["x"] = "model"
