"""Laying the state and the batches out as the current distribution says.

Under `ember.distribution.set_distribution(...)` the executions of fit,
evaluate and predict take their state placed by each variable's layout
(`place_values`: replicated by default, split where a `ModelParallel`
layout map says) and constrain each batch to the data layout, split along
the batch axis (`constrain_batch`). XLA's partitioner does the rest: the
gradients of a replicated variable are summed across devices inside the
compiled step. Without a distribution both are the identity.
"""

from typing import Any

import jax

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


def current_key() -> int | None:
    """What a cache of compiled functions keys on: the distribution's
    identity (a function traced under one layout serves only it)."""
    current = distribution()
    return None if current is None else id(current)
