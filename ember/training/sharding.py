"""Laying the state and the batches out as the current distribution says.

Under `ember.distribution.set_distribution(...)` the executions of fit,
evaluate and predict take their state placed by each variable's layout
(`place_values`: replicated by default, split where a `ModelParallel`
layout map says) and constrain each batch to the data layout, split along
the batch axis (`constrain_batch`). XLA's partitioner does the rest: the
gradients of a replicated variable are summed across devices inside the
compiled step. Without a distribution both are the identity.

Across processes (`ember.distribution.initialize`), each process runs the
same program on its own devices. With `auto_shard_dataset=True` (the
default) the data are in-memory arrays, the same in every process, and
every global batch is split over all devices; with `False` each process
feeds its own share (its arrays, generator or `PyDataset`), and its
batches of `batch_size` make up its part of each global batch
(`put_chunk`), as in Keras.
"""

from typing import Any

import jax
import numpy as np

from ember.distribution import distribute_tensor
from ember.distribution import distribution


def layout_of(current: Any, variable: Any) -> Any:
    """`variable`'s layout under the distribution `current`. An optimizer
    slot takes the layout of the variable it follows (its `_reference`), as
    Keras lays slots out: a split kernel's moments are split alike."""
    reference = getattr(variable, "_reference", None)
    if reference is not None and reference.shape == variable.shape:
        variable = reference
    return current.get_variable_layout(variable)


def place_values(variables: list, values: list) -> list:
    """`values` (of `variables`, in order) laid out by their layouts."""
    current = distribution()
    if current is None:
        return values
    return [
        distribute_tensor(value, layout_of(current, variable))
        for variable, value in zip(variables, values, strict=True)
    ]


def constrain_values(variables: list, values: list) -> list:
    """`values` (traced, of `variables`) kept in their variables' layouts:
    what a compiled step returns keeps the layout it was given, so the next
    execution neither recompiles nor gathers a split variable."""
    current = distribution()
    if current is None:
        return values
    return [
        jax.lax.with_sharding_constraint(
            value, layout_of(current, variable).backend_layout
        )
        for variable, value in zip(variables, values, strict=True)
    ]


def replicate(tree: Any) -> Any:
    """`tree`'s arrays copied to every device of the distribution's mesh
    (in-memory data that each step gathers its batch from)."""
    current = distribution()
    if current is None:
        return jax.device_put(tree)
    everywhere = jax.sharding.NamedSharding(
        current.device_mesh.backend_mesh, jax.sharding.PartitionSpec()
    )
    return jax.device_put(tree, everywhere)


def constrain_batch(batch: Any) -> Any:
    """`batch` (traced) split along its first axis over the batch axis of
    the mesh. A batch that axis does not divide (a last partial batch of
    `predict`) is left to XLA, which computes it replicated."""
    current = distribution()
    if current is None:
        return batch
    replicas = current.num_model_replicas

    def constrain(array):
        if getattr(array, "ndim", 0) == 0 or array.shape[0] % replicas:
            return array
        layout = current.get_data_layout(array.shape)
        return jax.lax.with_sharding_constraint(array, layout.backend_layout)

    return jax.tree_util.tree_map(constrain, batch)


def current_key() -> tuple | None:
    """What a cache of compiled functions keys on: the distribution's
    identity (a function traced under one layout serves only it) and
    whether each process feeds its own data."""
    current = distribution()
    return None if current is None else (id(current), per_process_data())


def per_process_data() -> bool:
    """True when each process feeds its own share of every batch: a
    multi-process distribution with `auto_shard_dataset=False`."""
    current = distribution()
    return (
        current is not None
        and current.num_processes > 1
        and not current.auto_shard_dataset
    )


def check_source(data: Any, in_memory: bool) -> None:
    """Raises if a multi-process distribution that shards the data itself
    (`auto_shard_dataset=True`) is given data it cannot shard: only
    in-memory arrays, the same in every process, can be split for it."""
    current = distribution()
    if current is None or current.num_processes == 1 or in_memory:
        return
    if not current.auto_shard_dataset:
        return
    raise ValueError(
        "When using a multi-process distribution with auto-sharding "
        "enabled, the data must be in-memory arrays (the same in every "
        "process; each batch is split over all devices). Received: "
        f"type(x)={type(data)}. If each process already feeds its own "
        "share of the data, set `distribution.auto_shard_dataset = False`."
    )


def from_processes(tree: Any, axis: int = 0) -> Any:
    """With per-process data, `tree`'s arrays (this process' rows along
    `axis`) joined with the other processes' into global arrays split
    along the batch axis of the mesh; otherwise `tree` unchanged."""
    if not per_process_data():
        return tree
    current = distribution()

    def assemble(array):
        array = np.asarray(array)
        spec = [None] * array.ndim
        spec[axis] = current.batch_dim_name
        layout = jax.sharding.NamedSharding(
            current.device_mesh.backend_mesh, jax.sharding.PartitionSpec(*spec)
        )
        return jax.make_array_from_process_local_data(layout, array)

    return jax.tree_util.tree_map(assemble, tree)


def to_process(tree: Any) -> Any:
    """With per-process data, this process' rows of `tree`'s global arrays
    (split along the batch axis: `constrain_batch`); otherwise `tree`."""
    if not per_process_data():
        return tree
    from jax.experimental import multihost_utils

    current = distribution()
    return multihost_utils.global_array_to_host_local_array(
        tree,
        current.device_mesh.backend_mesh,
        jax.sharding.PartitionSpec(current.batch_dim_name),
    )


def put_chunk(chunk: Any) -> Any:
    """A chunk's arrays on the devices (`replicate`); with per-process
    data its batches (`(steps, batch, ...)` leaves) become global batches
    made of every process' rows (`from_processes`)."""
    if hasattr(chunk, "batch"):
        chunk = chunk._replace(batch=from_processes(chunk.batch, axis=1))
    return replicate(chunk)
