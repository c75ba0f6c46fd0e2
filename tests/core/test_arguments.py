"""Tests for ember.core.arguments: forwarding to a parent constructor."""

import pytest

from ember.core.arguments import parent_arguments


class _Parent:
    def __init__(self, rank, units, use_bias=True, **kwargs):
        self.arguments = dict(rank=rank, units=units, use_bias=use_bias)
        self.kwargs = kwargs


class _Child(_Parent):
    def __init__(self, units, use_bias=False, **kwargs):
        extra = "not forwarded"
        super().__init__(**parent_arguments(_Parent, locals(), rank=2))


def test_forwards_parent_parameters_fixed_values_and_kwargs():
    child = _Child(3, name="c")
    assert child.arguments == {"rank": 2, "units": 3, "use_bias": False}
    assert child.kwargs == {"name": "c"}


def test_missing_parent_parameter_is_an_error():
    with pytest.raises(KeyError, match="rank"):
        parent_arguments(_Parent, {"units": 3})
