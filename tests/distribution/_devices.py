"""Runs a snippet in a subprocess that sees 4 simulated CPU devices.

The suite's own process keeps one device; the snippet prints one JSON
value on its last line, which `run_on_four_devices` returns.
"""

import json
import os
import pathlib
import subprocess
import sys
import textwrap

_ROOT = pathlib.Path(__file__).resolve().parents[2]


def run_on_four_devices(code: str):
    """The JSON value the last line of `code`'s output holds."""
    env = dict(os.environ)
    env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
    env["JAX_PLATFORMS"] = "cpu"
    env["KERAS_BACKEND"] = "jax"
    env["PYTHONPATH"] = str(_ROOT)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
