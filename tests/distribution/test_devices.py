"""Tests for list_devices, get_device_count and initialize."""

import jax
import pytest

from ember import distribution


def test_devices_are_named_platform_and_id():
    assert distribution.list_devices("CPU") == ["cpu:0"]
    assert distribution.get_device_count("cpu") == 1


def test_initialize_reads_keras_environment_variables(monkeypatch):
    calls = []
    monkeypatch.setattr(
        jax.distributed, "initialize", lambda **kw: calls.append(kw)
    )
    monkeypatch.setenv(
        "KERAS_DISTRIBUTION_JOB_ADDRESSES", "10.0.0.1:1234,10.0.0.2:2345"
    )
    monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "2")
    monkeypatch.setenv("KERAS_DISTRIBUTION_PROCESS_ID", "1")
    distribution.initialize()
    assert calls == [
        {
            "coordinator_address": "10.0.0.1:1234",
            "num_processes": 2,
            "process_id": 1,
        }
    ]
    with pytest.raises(ValueError, match="names 2 processes but"):
        distribution.initialize(num_processes=3)
