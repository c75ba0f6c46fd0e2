"""The devices a distribution runs on, and joining several processes."""

import os

import jax


def _platform(device_type: str | None) -> str | None:
    return device_type.lower() if device_type else None


def list_devices(device_type: str | None = None) -> list[str]:
    """Lists the devices of one type, as `"platform:id"` strings.

    In a multi-process setting these are the global devices of all
    processes.

    Args:
        device_type: `"cpu"`, `"gpu"` or `"tpu"`; default the accelerators
            when there are any, else the CPU.

    Returns:
        A list of device names such as `["gpu:0", "gpu:1"]`.

    Example:

    >>> ember.distribution.list_devices("cpu")[0]
    'cpu:0'
    """
    devices = jax.devices(_platform(device_type))
    return [f"{device.platform}:{device.id}" for device in devices]


def get_device_count(device_type: str | None = None) -> int:
    """The number of devices of one type (not the sum over types).

    Args:
        device_type: `"cpu"`, `"gpu"` or `"tpu"`; default the accelerators
            when there are any, else the CPU.

    Returns:
        The device count, over all processes.
    """
    return jax.device_count(_platform(device_type))


def device(name: "str | jax.Device") -> jax.Device:
    """The JAX device called `name` (`"cpu:0"`, `"gpu"` for `"gpu:0"`)."""
    if isinstance(name, jax.Device):
        return name
    name = str(name)
    platform, _, index = name.partition(":")
    for candidate in jax.devices(platform.lower()):
        if candidate.id == int(index or 0):
            return candidate
    raise ValueError(f"Device not found: {name!r}")


def _from_environment(value, variable: str, kind: type):
    if value is None and variable in os.environ:
        return kind(os.environ[variable])
    return value


def initialize(
    job_addresses: str | None = None,
    num_processes: int | None = None,
    process_id: int | None = None,
) -> None:
    """Joins this process to a multi-process (multi-host) computation.

    Call it first, before any computation. Each argument may come from
    Keras' environment variables instead: `KERAS_DISTRIBUTION_JOB_ADDRESSES`,
    `KERAS_DISTRIBUTION_NUM_PROCESSES`, `KERAS_DISTRIBUTION_PROCESS_ID`. It
    runs `jax.distributed.initialize`, with the first address as the
    coordinator.

    Args:
        job_addresses: comma-separated addresses of all the processes
            (`"10.0.0.1:1234,10.0.0.2:2345"`), or only the coordinator's;
            None where the runtime finds it (cloud TPUs).
        num_processes: the number of processes.
        process_id: this process' index, from 0 (the coordinator) to
            `num_processes - 1`.
    """
    job_addresses = _from_environment(
        job_addresses, "KERAS_DISTRIBUTION_JOB_ADDRESSES", str
    )
    num_processes = _from_environment(
        num_processes, "KERAS_DISTRIBUTION_NUM_PROCESSES", int
    )
    process_id = _from_environment(
        process_id, "KERAS_DISTRIBUTION_PROCESS_ID", int
    )
    coordinator = job_addresses
    if job_addresses and "," in job_addresses:
        addresses = job_addresses.split(",")
        if num_processes is not None and num_processes != len(addresses):
            raise ValueError(
                f"`job_addresses` names {len(addresses)} processes but "
                f"`num_processes` is {num_processes}. Received: "
                f"job_addresses={job_addresses!r}"
            )
        coordinator = addresses[0]
    jax.distributed.initialize(
        coordinator_address=coordinator,
        num_processes=num_processes,
        process_id=process_id,
    )
