"""Walks the recorded nodes from a model's outputs back to its inputs."""

from ember.core.symbolic import Node
from ember.core.symbolic import SymbolicTensor


def _describe(tensors) -> str:
    return ", ".join(f'"{t.name}" {t.shape}' for t in tensors)


def build_map(
    inputs: list[SymbolicTensor], outputs: list[SymbolicTensor]
) -> tuple[list[Node], list]:
    """Returns the nodes in replay order and the operations in model order.

    Nodes are ordered by decreasing depth (distance to the outputs), ties by
    the order a depth-first walk from the outputs meets them, which is also
    the order of Keras' `model.layers`.

    Raises:
        ValueError: when an output cannot be computed from the inputs,
            naming the layer where the path is cut.
    """
    input_ids = {id(t) for t in inputs}
    postorder: list[Node] = []
    finished: set[int] = set()
    in_progress: set[int] = set()

    def visit(tensor: SymbolicTensor) -> None:
        if not isinstance(tensor, SymbolicTensor) or tensor._history is None:
            raise ValueError(
                "Model outputs must be symbolic tensors produced by layers "
                f"or ops called on the model's inputs. Received: {tensor!r}"
            )
        operation, node_index, _ = tensor._history
        node = operation._inbound_nodes[node_index]
        if id(tensor) in input_ids and not node.is_input:
            return
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError(
                f'The graph has a cycle through layer "{operation.name}".'
            )
        if node.is_input and id(tensor) not in input_ids:
            raise ValueError(
                f"Graph disconnected: the model's outputs depend on input "
                f'"{tensor.name}" {tensor.shape} of layer "{operation.name}", '
                f"which is not among the model's inputs: {_describe(inputs)}."
            )
        in_progress.add(id(node))
        for parent in node.input_tensors:
            visit(parent)
        in_progress.discard(id(node))
        finished.add(id(node))
        postorder.append(node)

    for tensor in outputs:
        visit(tensor)
    for tensor in inputs:
        if not isinstance(tensor, SymbolicTensor):
            raise ValueError(
                "Model inputs must be symbolic tensors, e.g. from "
                f"ember.Input(shape). Received: {tensor!r}"
            )
        if tensor._history is not None:
            node = tensor._history.operation._inbound_nodes[
                tensor._history.node_index
            ]
            if node.is_input and id(node) not in finished:
                finished.add(id(node))
                postorder.insert(0, node)

    depth: dict[int, int] = {}
    for node in reversed(postorder):
        d = depth.setdefault(id(node), 0)
        for parent in node.parent_nodes:
            depth[id(parent)] = max(depth.get(id(parent), 0), d + 1)
    index = {id(node): i for i, node in enumerate(postorder)}
    nodes = sorted(postorder, key=lambda n: (-depth[id(n)], index[id(n)]))
    operations = []
    seen: set[int] = set()
    for node in nodes:
        if id(node.operation) not in seen:
            seen.add(id(node.operation))
            operations.append(node.operation)
    return nodes, operations
