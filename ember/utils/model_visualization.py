"""`plot_model` and `model_to_dot`: a picture of a model's graph, as Keras'.

Each layer (or op) is a box with Keras' labels: name and class, and on
request the activation, input and output shapes, output dtype and a
trainable marker; arrows follow the recorded calls. ember writes the DOT
language itself (no pydot) and renders it with a system Graphviz `dot` or
the `graphviz-pure` program of the `plot` extra.
"""

import html
import os
from typing import Any

from ember.core.symbolic import FunctionOperation
from ember.layers.core.input_layer import InputLayer
from ember.models.functional import Functional
from ember.models.sequential import Sequential
from ember.models.summary import operation_kind
from ember.utils import _dot

_RANKDIRS = ("TB", "LR", "BT", "RL")
# Formats IPython shows with `display.Image`; SVG has `display.SVG`.
_IMAGE_FORMATS = ("png", "jpg", "jpeg", "gif")


def model_to_dot(
    model,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    subgraph: bool = False,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str = "ortho",
    **kwargs,
) -> _dot.Dot:
    """Converts a model to a graph in the DOT language.

    One box per layer or op, arrows from each layer to the layers that
    take its output. A layer called several times (a shared layer) is one
    box with an arrow from each of its inputs. A nested model is one box,
    or with `expand_nested=True` a dashed cluster holding its layers, the
    arrows going to and from the layers inside. A subclassed model is one
    box, as in Keras.

    Args:
        model: a built model.
        show_shapes: whether to show each layer's input and output shapes.
        show_dtype: whether to show each layer's output dtype.
        show_layer_names: whether to show layer names beside class names.
        rankdir: the direction of the graph: `"TB"` top to bottom, `"LR"`
            left to right (also `"BT"`, `"RL"`).
        expand_nested: whether to draw nested models' layers in clusters.
        dpi: the resolution of rendered images, in dots per inch.
        subgraph: whether to return a cluster, to add to another graph.
        show_layer_activations: whether to show the activation of layers
            that have one.
        show_trainable: whether to mark layers with weights as trainable
            or not.
        splines: how Graphviz draws edges: `"ortho"` (right angles),
            `"spline"`, `"polyline"`, `"curved"`, `"line"`.

    Returns:
        A `Dot` graph with pydot's everyday methods: `to_string()`,
        `create(prog=None, format="png")`, `write(path, format=...)`,
        `get_nodes()`, `get_edges()`.

    Example:

    >>> model = ember.Sequential([ember.Input((4,)), ember.layers.Dense(2)])
    >>> dot = ember.utils.model_to_dot(model, show_shapes=True)
    >>> [n.get_name() for n in dot.get_nodes()] == [
    ...     str(id(model.layers[0]))]
    True
    """
    _check_kwargs(kwargs)
    _check_model(model)
    _check_rankdir(rankdir)
    labels = {
        "show_layer_names": show_layer_names,
        "show_layer_activations": show_layer_activations,
        "show_dtype": show_dtype,
        "show_shapes": show_shapes,
        "show_trainable": show_trainable,
    }
    if subgraph:
        dot = _dot.Dot(
            model.name, cluster=True, style="dashed", label=model.name
        )
        dot.set("labeljust", "l")
        dot.set("fontname", "Helvetica")
    else:
        dot = _dot.Dot(
            rankdir=rankdir, concentrate=True, dpi=dpi, splines=splines
        )
        dot.set_node_defaults(shape="plain")
    _draw(dot, model, labels, expand_nested)
    return dot


def plot_model(
    model,
    to_file: str = "model.png",
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = False,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str = "ortho",
    **kwargs,
):
    """Draws a model's graph into an image file.

    The format follows the extension of `to_file`: `.png` (also when there
    is none), `.svg`, `.jpg`, or `.dot` for the DOT text itself (no
    renderer needed). `.pdf` needs a system Graphviz `dot`; without one,
    images are rendered by graphviz-pure (`pip install "ember[plot]"`).

    Args:
        model: a built model.
        to_file: the file to write.
        show_shapes: whether to show each layer's input and output shapes.
        show_dtype: whether to show each layer's output dtype.
        show_layer_names: whether to show layer names beside class names.
        rankdir: `"TB"` (top to bottom) or `"LR"` (left to right).
        expand_nested: whether to draw nested models' layers in clusters.
        dpi: the resolution of the image, in dots per inch.
        show_layer_activations: whether to show the activation of layers
            that have one.
        show_trainable: whether to mark layers as trainable or not.
        splines: how edges are drawn, as in `model_to_dot`.

    Returns:
        An `IPython.display.Image` of the file when IPython is installed
        (an `IPython.display.SVG` for `.svg`), so that notebooks show it;
        otherwise (and for `.pdf` and `.dot`) None.

    Raises:
        ValueError: for an unbuilt model, a bad argument, or a format the
            installed renderer does not write.
        ImportError: when no renderer is installed (for images).

    Example:

    ```python
    model = ember.Sequential([ember.Input((4,)), ember.layers.Dense(2)])
    ember.utils.plot_model(model, to_file="model.png", show_shapes=True)
    ```
    """
    dot = model_to_dot(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
        splines=splines,
        **kwargs,
    )
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    dot.write(to_file, format=extension)
    return _notebook_image(to_file, extension)


def _check_kwargs(kwargs: dict) -> None:
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")


def _check_model(model) -> None:
    if not getattr(model, "built", False):
        raise ValueError(
            f'Model "{getattr(model, "name", model)}" has not yet been '
            "built. Build the model first by calling `build()` or by "
            "calling the model on a batch of data."
        )


def _check_rankdir(rankdir: str) -> None:
    if rankdir not in _RANKDIRS:
        raise ValueError(
            f"`rankdir` must be one of {list(_RANKDIRS)}. Received: "
            f"rankdir={rankdir!r}"
        )


def _is_graph_model(operation) -> bool:
    return isinstance(operation, Functional | Sequential)


def _graph_nodes(model) -> list:
    """The recorded calls that make up a functional or Sequential model."""
    if isinstance(model, Sequential):
        return model._functional._nodes
    return model._nodes


def _operations(model) -> list:
    """The boxes of a model, in model order: a Sequential's layers (no
    input box, as in Keras), a functional model's layers and ops."""
    if isinstance(model, Sequential):
        return list(model.layers)
    return list(model._operations)


def _draw(dot: _dot.Dot, model, labels: dict, expand_nested: bool) -> None:
    if not _is_graph_model(model):  # Subclassed: one box, as in Keras.
        dot.add_node(_node(model, labels))
        return
    operations = _operations(model)
    for operation in operations:
        if expand_nested and _is_graph_model(operation):
            cluster = model_to_dot(
                operation,
                expand_nested=True,
                subgraph=True,
                **labels,
            )
            dot.add_subgraph(cluster)
        else:
            dot.add_node(_node(operation, labels))
    if isinstance(model, Sequential) and not expand_nested:
        for i in range(len(operations) - 1):
            _add_edge(dot, operations[i], operations[i + 1])
        return
    drawn = {id(op) for op in operations}
    member = {id(node) for node in _graph_nodes(model)}
    for operation in operations:
        for node in operation._inbound_nodes:
            if id(node) not in member:
                continue  # a call of a shared layer in another model
            for input_index, tensor in enumerate(node.input_tensors):
                if tensor._history is None:
                    continue
                source, _, output_index = tensor._history
                if id(source) not in drawn:
                    continue  # a Sequential's hidden input layer
                destination = operation
                if expand_nested:
                    source = _producer(source, output_index)
                    destination = _consumer(destination, input_index)
                _add_edge(dot, source, destination)


def _producer(source, output_index: int):
    """The layer inside (nested) models that makes output `output_index`:
    models have no box of their own when expanded."""
    while _is_graph_model(source):
        source, _, output_index = source.outputs[output_index]._history
    return source


def _consumer(destination, input_index: int):
    """The box inside (nested) models that receives input `input_index`:
    a functional model's input layer, a Sequential's first layer."""
    while _is_graph_model(destination):
        if isinstance(destination, Sequential):
            destination = destination.layers[0]
        else:
            destination = destination.inputs[input_index]._history.operation
    return destination


def _add_edge(dot: _dot.Dot, source, destination) -> None:
    source_id, destination_id = str(id(source)), str(id(destination))
    if not dot.get_edge(source_id, destination_id):
        dot.add_edge(_dot.Edge(source_id, destination_id, penwidth="2"))


def _node(operation, labels: dict) -> _dot.Node:
    return _dot.Node(
        str(id(operation)),
        label=_label(operation, **labels),
        fontname="Helvetica",
    )


def _label(
    operation,
    show_layer_names: bool,
    show_layer_activations: bool,
    show_dtype: bool,
    show_shapes: bool,
    show_trainable: bool,
) -> _dot.Html:
    """Keras' box: a black title row, then an activation row, then one
    row of cells for shapes, dtype and the trainable marker."""
    kind = html.escape(_class_name(operation))
    if show_layer_names:
        title = f"<b>{html.escape(operation.name)}</b> ({kind})"
    else:
        title = f"<b>{kind}</b>"
    cells = []
    if show_shapes:
        inputs, outputs = _call_tensors(operation)
        if not isinstance(operation, InputLayer):
            shape = _describe(inputs, "shape")
            cells.append(_cell(f"Input shape: <b>{shape}</b>"))
        shape = _describe(outputs, "shape")
        cells.append(_cell(f"Output shape: <b>{shape}</b>"))
    if show_dtype:
        _, outputs = _call_tensors(operation)
        dtype = _describe(outputs, "dtype")
        cells.append(_cell(f"Output dtype: <b>{dtype}</b>"))
    if show_trainable and getattr(operation, "weights", None):
        if operation.trainable:
            cells.append(_marker("Trainable", "forestgreen"))
        else:
            cells.append(_marker("Non-trainable", "firebrick"))
    span = f' colspan="{max(1, len(cells))}"'
    rows = [
        f'<tr><td{span} bgcolor="black"><font point-size="16" '
        f'color="white">{title}</font></td></tr>'
    ]
    activation = getattr(operation, "activation", None)
    if show_layer_activations and activation is not None:
        name = html.escape(_activation_name(activation))
        rows.append(
            f'<tr><td{span} bgcolor="white"><font point-size="14">'
            f"Activation: <b>{name}</b></font></td></tr>"
        )
    if cells:
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return _dot.Html(
        '<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
        + "".join(rows)
        + "</table>"
    )


def _cell(text: str) -> str:
    return f'<td bgcolor="white"><font point-size="14">{text}</font></td>'


def _marker(text: str, color: str) -> str:
    return (
        f'<td bgcolor="{color}"><font point-size="14" color="white">'
        f"<b>{text}</b></font></td>"
    )


def _class_name(operation) -> str:
    """Keras' class names, ops included (`add` -> `Add`)."""
    if isinstance(operation, FunctionOperation):
        return operation_kind(operation)
    return type(operation).__name__


def _call_tensors(operation) -> tuple[Any, Any]:
    """The input and output tensors of the first call of `operation`, each
    one tensor or a list, as Keras' `layer.input` / `layer.output`; None
    for one never called on symbolic tensors (Keras shows `?` then)."""
    nodes = getattr(operation, "_inbound_nodes", None)
    if not nodes:
        return None, None
    node = nodes[0]

    def unwrap(tensors: list):
        return tensors[0] if len(tensors) == 1 else list(tensors)

    return unwrap(node.input_tensors), unwrap(node.output_tensors)


def _describe(tensors, attribute: str) -> str:
    """`(None, 26, 26, 32)` (or a dtype), or a list of them, as Keras
    prints them."""
    if tensors is None:
        return "?"
    if isinstance(tensors, list):
        return html.escape(str([getattr(t, attribute) for t in tensors]))
    return html.escape(str(getattr(tensors, attribute)))


def _activation_name(activation) -> str:
    if hasattr(activation, "name"):
        return str(activation.name)
    return str(getattr(activation, "__name__", activation))


def _notebook_image(path: str, extension: str):
    """What notebooks display inline, when IPython is installed."""
    if extension not in _IMAGE_FORMATS + ("svg",):
        return None
    try:
        from IPython import display
    except ImportError:
        return None
    if extension == "svg":
        return display.SVG(filename=path)
    return display.Image(filename=path)
