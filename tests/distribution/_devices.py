"""Runs a snippet in a subprocess that sees 4 simulated CPU devices, or
in two processes joined into one computation.

The suite's own process keeps one device; the snippet prints one JSON
value on its last line, which `run_on_four_devices` returns (one per
process: `run_on_two_processes`).
"""

import json
import os
import pathlib
import socket
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


def run_on_two_processes(code: str) -> list:
    """The JSON values `code` prints last in each of two processes, joined
    by `ember.distribution.initialize` over 127.0.0.1, 2 CPU devices each.

    `code` reads its process index from `PROCESS_ID` and the coordinator's
    address from `COORDINATOR`.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workers = []
    for process_id in range(2):
        env = dict(os.environ)
        env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
        env["JAX_PLATFORMS"] = "cpu"
        env["KERAS_BACKEND"] = "jax"
        env["PYTHONPATH"] = str(_ROOT)
        env["PROCESS_ID"] = str(process_id)
        env["COORDINATOR"] = f"127.0.0.1:{port}"
        workers.append(
            subprocess.Popen(
                [sys.executable, "-c", textwrap.dedent(code)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = []
    try:
        for worker in workers:
            stdout, stderr = worker.communicate(timeout=300)
            assert worker.returncode == 0, stderr[-3000:]
            results.append(json.loads(stdout.strip().splitlines()[-1]))
    finally:
        for worker in workers:
            worker.kill()
    return results
