"""A model's host stage: its leading numpy layers, run before the device.

Layers that take text (`HostLayer`s: TextVectorization, StringLookup, ...)
compute in numpy. When they sit at the front of a model, fed only by the
model's inputs and by each other, they form the model's host stage: `fit`,
`evaluate` and `predict` run it on the data on the host and hand the rest
of the model, compiled as usual, a `HostBatch` of its results. A direct
call (`model(["some text"])`) runs the whole graph in order instead.
"""

from typing import Any

import jax
import numpy as np

from ember.core.symbolic import flatten
from ember.core.symbolic import is_symbolic
from ember.core.symbolic import map_structure


@jax.tree_util.register_pytree_node_class
class HostBatch:
    """The host stage's results: the values the device part of a model reads.

    Args:
        values: one array per device input of the model's host stage
            (`HostStage.device_inputs`), in that order.
    """

    def __init__(self, values: tuple):
        self.values = tuple(values)

    @property
    def shape(self) -> tuple:
        """The first value's shape (what sample counting reads)."""
        return np.shape(self.values[0])

    def tree_flatten(self):
        return self.values, None

    @classmethod
    def tree_unflatten(cls, _, values):
        return cls(values)

    def __repr__(self) -> str:
        shapes = ", ".join(str(np.shape(v)) for v in self.values)
        return f"HostBatch({shapes})"


def _runs_on_host(operation: Any) -> bool:
    return getattr(operation, "runs_on_host", False)


class HostStage:
    """The host layers at the front of a graph, and what they feed.

    Args:
        nodes: the graph's nodes in replay order (input nodes included).
        inputs: the graph's input tensors.
        outputs: the graph's output tensors.
    """

    def __init__(self, nodes: list, inputs: list, outputs: list):
        on_host = {id(t) for t in inputs}
        self.nodes = []
        for node in nodes:
            if node.is_input or not _runs_on_host(node.operation):
                continue
            if all(id(t) in on_host for t in node.input_tensors):
                self.nodes.append(node)
                on_host.update(id(t) for t in node.output_tensors)
        skipped = {id(n) for n in self.nodes}
        read = [
            t
            for node in nodes
            if not node.is_input and id(node) not in skipped
            for t in node.input_tensors
        ]
        device_inputs: dict[int, Any] = {}
        for tensor in [*read, *outputs]:
            if id(tensor) in on_host:
                device_inputs.setdefault(id(tensor), tensor)
        self.device_inputs = list(device_inputs.values())
        self.skipped = skipped

    def run(self, values: dict) -> HostBatch:
        """Runs the host layers in numpy.

        Args:
            values: the graph inputs' numpy values, by the tensors' ids.

        Returns:
            The `HostBatch` of the device inputs' values.
        """
        values = dict(values)

        def lookup(x):
            return values[id(x)] if is_symbolic(x) else x

        for node in self.nodes:
            args = map_structure(lookup, node.call_args)
            kwargs = map_structure(lookup, node.call_kwargs)
            kwargs.pop("training", None)
            outputs = node.operation.host_call(*args, **kwargs)
            for tensor, value in zip(
                node.output_tensors, flatten(outputs), strict=True
            ):
                values[id(tensor)] = value
        return HostBatch(tuple(values[id(t)] for t in self.device_inputs))
