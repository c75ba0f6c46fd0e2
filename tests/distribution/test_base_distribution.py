"""Tests for the current distribution: set_distribution, scope."""

import pytest

from ember import distribution


def test_scope_sets_and_restores_the_current_distribution():
    assert distribution.distribution() is None
    outer = distribution.DataParallel(devices=["cpu:0"])
    inner = distribution.DataParallel(devices=["cpu:0"])
    distribution.set_distribution(outer)
    try:
        with inner.scope():
            assert distribution.distribution() is inner
        assert distribution.distribution() is outer
    finally:
        distribution.set_distribution(None)
    assert distribution.distribution() is None


def test_set_distribution_refuses_other_values():
    with pytest.raises(ValueError, match="expected a Distribution or None"):
        distribution.set_distribution("data_parallel")
