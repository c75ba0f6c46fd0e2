"""`model.summary()`: a table of layers, output shapes and parameter counts."""

import io
import math
import re
import shutil
import sys
from collections import Counter
from typing import Any

import jax.numpy as jnp

from ember.core.dtypes import standardize_dtype
from ember.core.symbolic import FunctionOperation
from ember.core.symbolic import flatten
from ember.core.symbolic import is_symbolic

# Bits per scalar where numpy's itemsize disagrees with Keras' table.
_BITS = {"bool": 1}
_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


def print_summary(
    model,
    line_length: int | None = None,
    positions: list[float] | None = None,
    print_fn: Any = None,
    expand_nested: bool = False,
    show_trainable: bool = False,
    layer_range: tuple[str, str] | None = None,
) -> None:
    """Prints a table of a model's layers, as Keras' `model.summary()`.

    One row per layer (`name (ClassName)`, output shape, parameter count),
    a `Connected to` column for functional models that are not a plain
    chain, then total, trainable and non-trainable parameter counts with
    their size. The arguments are those of `Model.summary`; `print_fn`
    receives the whole plain-text summary in one call, as in Keras.

    Raises:
        ValueError: for a bad `layer_range`, or for columns narrower than
            4 characters.
    """
    import rich.console
    import rich.markup
    import rich.table

    escape = rich.markup.escape
    nodes = getattr(model, "_nodes", None)
    if nodes is None:  # Sequential and subclassed models: a list of layers.
        layers, node_ids = model.layers, None
    else:
        layers = list(model._operations)
        chain = _is_sequential_like(nodes, model.layers)
        node_ids = None if chain else {id(n) for n in nodes}

    header = ["Layer (type)", "Output Shape", "Param #"]
    justify = ["left", "left", "right"]
    default_length, default_positions = 88, [0.45, 0.80, 1.0]
    if node_ids is not None:
        default_length, default_positions = 108, [0.3, 0.56, 0.74, 1.0]
        header.append("Connected to")
        justify.append("left")
    positions = list(positions or default_positions)
    if positions[-1] > 1:
        line_length = line_length or int(positions[-1])
        positions = [p / positions[-1] for p in positions]
    if show_trainable:
        default_length += 12
        positions = [p * 0.9 for p in positions] + [1.0]
        header.append("Trainable")
        justify.append("center")
    if len(positions) != len(header):
        raise ValueError(
            f"`positions` needs one entry per column {header}. "
            f"Received: positions={positions}"
        )
    terminal = shutil.get_terminal_size().columns - 4
    line_length = line_length or min(default_length, terminal)
    widths = _column_widths(positions, line_length)

    def rows(layer, level: int = 0):
        prefix = "   " * level + "└ " if level else ""
        kind = _style(escape(operation_kind(layer)), "color(33)")
        row = [
            f"{escape(prefix + layer.name)} ({kind})",
            _output_shape(layer),
            _params(layer),
        ]
        if node_ids is not None:
            row.append(_connections(layer, node_ids, escape))
        if show_trainable:
            row.append(_trainable(layer))
        yield row
        if expand_nested and getattr(layer, "layers", None):
            for inner in layer.layers:
                yield from rows(inner, level + 1)

    table = rich.table.Table(
        *(
            rich.table.Column(h, justify=j, width=w)
            for h, j, w in zip(header, justify, widths, strict=True)
        ),
        width=line_length,
        show_lines=True,
    )
    start, stop = _layer_bounds(layers, layer_range)
    for layer in layers[start:stop]:
        for row in rows(layer):
            table.add_row(*row)

    lines = [_style(f'Model: "{escape(model.name)}"', "bold"), table]
    for label, weights in _footer_weights(model):
        lines.append(
            _style(f" {label} params: ", "bold")
            + _number(f"{_count(weights):,}")
            + f" ({_readable_size(_memory_size(weights))})"
        )
    _emit(rich.console, lines, print_fn, max(line_length, len(model.name)))


def _is_sequential_like(nodes: list, layers: list) -> bool:
    """Keras' rule for leaving out `Connected to`: one node per depth, each
    with at most one input, and no layer called twice in the model."""
    ids = {id(n) for n in nodes}
    depth: dict[int, int] = {}
    for node in reversed(nodes):  # `nodes` come by decreasing depth.
        d = depth.setdefault(id(node), 0)
        for parent in node.parent_nodes:
            if id(parent) in ids:
                depth[id(parent)] = max(depth.get(id(parent), 0), d + 1)
    if max(Counter(depth.values()).values(), default=0) > 1:
        return False
    if any(len(node.input_tensors) > 1 for node in nodes):
        return False
    return all(
        sum(id(n) in ids for n in layer._inbound_nodes) <= 1 for layer in layers
    )


def _column_widths(positions: list[float], line_length: int) -> list[int]:
    widths, current = [], 0
    for position in positions:
        width = int(position * line_length) - current
        if width < 4:
            raise ValueError(
                "Insufficient console width to print summary. Received: "
                f"line_length={line_length}, positions={positions}"
            )
        widths.append(width)
        current += width
    return widths


def _layer_bounds(layers: list, layer_range) -> tuple[int, int]:
    """The slice of `layers` from the first match of `layer_range[0]` to
    the last match of `layer_range[1]`, both included."""
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2 or not all(
        isinstance(pattern, str) for pattern in layer_range
    ):
        raise ValueError(
            "layer_range must be a list or tuple of 2 strings. Received: "
            f"layer_range={layer_range}"
        )
    first, last = (
        [i for i, layer in enumerate(layers) if re.match(pattern, layer.name)]
        for pattern in layer_range
    )
    if not first or not last:
        raise ValueError(
            "layer_range does not match the layer names in the model "
            f"{[layer.name for layer in layers]}. Received: {layer_range}"
        )
    if min(first) > max(last):
        return min(last), max(first) + 1
    return min(first), max(last) + 1


def operation_kind(operation) -> str:
    """The class name shown in the row; ops are named as Keras' op classes
    (`add_1` -> `Add`, `get_item` -> `GetItem`)."""
    if isinstance(operation, FunctionOperation):
        base = re.sub(r"_\d+$", "", operation.name)
        return "".join(part.capitalize() for part in base.split("_"))
    return type(operation).__name__


def _output_shape(layer) -> str:
    """The output shape(s) of the layer's last call, as Keras shows them."""
    nodes = getattr(layer, "_inbound_nodes", None)
    if nodes:
        shapes = _format_shapes(nodes[-1].outputs)
    else:
        # A layer called outside any graph (inside a subclassed model) shows
        # a shape only if it recorded its build shapes, as Keras layers do.
        build_shapes = getattr(layer, "_build_shapes_dict", None)
        if not build_shapes or not getattr(layer, "built", False):
            return "?"
        try:
            shapes = _format_shapes(layer.compute_output_shape(**build_shapes))
        except NotImplementedError:
            return "?"
    flat = flatten(shapes)
    return flat[0] if len(flat) == 1 else str(shapes).replace("'", "")


def _format_shapes(structure):
    """Each shape (or symbolic tensor) in `structure` as `(None, 26, 32)`."""
    if is_symbolic(structure):
        structure = structure.shape
    if isinstance(structure, tuple) and all(
        d is None or isinstance(d, int) for d in structure
    ):
        return f"({', '.join(_number(d) for d in structure)})"
    if isinstance(structure, list | tuple):
        return type(structure)(_format_shapes(s) for s in structure)
    if isinstance(structure, dict):
        return {k: _format_shapes(v) for k, v in structure.items()}
    return structure


def _params(layer) -> str:
    if not hasattr(layer, "built"):  # an op, not a layer
        return _number(0)
    if not layer.built:
        return f"{_number(0)} (unbuilt)"
    return _number(f"{layer.count_params():,}")


def _connections(layer, node_ids: set[int], escape) -> str:
    """`parent[node_index][tensor_index]` for each input of each call."""
    parts = []
    for node in layer._inbound_nodes:
        if id(node) not in node_ids:
            continue
        for tensor in node.input_tensors:
            if tensor._history is not None:
                operation, node_index, tensor_index = tensor._history
                parts.append(
                    f"{escape(operation.name)}\\[{_number(node_index)}]"
                    f"\\[{_number(tensor_index)}]"
                )
    return ", ".join(parts) or "-"


def _trainable(layer) -> str:
    if not getattr(layer, "weights", None):
        return _style("-", "bold")
    if layer.trainable:
        return _style("Y", "bold color(34)")
    return _style("N", "bold color(9)")


def _footer_weights(model) -> list[tuple[str, list]]:
    rows = [
        ("Trainable", list(model.trainable_weights)),
        ("Non-trainable", list(model.non_trainable_weights)),
    ]
    optimizer = getattr(model, "optimizer", None)
    if getattr(model, "compiled", False) and getattr(optimizer, "built", False):
        rows.append(("Optimizer", list(optimizer.variables)))
    return [("Total", [w for _, ws in rows for w in ws]), *rows]


def _count(weights: list) -> int:
    return int(sum(math.prod(w.shape) for w in weights))


def _memory_size(weights: list) -> float:
    """Bytes held by the distinct weights, at their dtypes' sizes."""
    bits = 0
    for w in {id(w): w for w in weights}.values():
        dtype = standardize_dtype(w.dtype)
        size = _BITS.get(dtype) or jnp.dtype(dtype).itemsize * 8
        bits += math.prod(w.shape) * size
    return bits / 8


def _readable_size(size: float) -> str:
    for unit in _UNITS[:-1]:
        if size < 1024:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} {_UNITS[-1]}"


def _style(text: Any, style: str) -> str:
    return f"[{style}]{text}[/]"


def _number(x) -> str:
    return _style(x, "color(45)" if x is None else "color(34)")


def _emit(console_module, lines: list, print_fn, width: int) -> None:
    """Prints in color on a terminal; otherwise renders plain text, which
    goes to `print_fn` in one call (as Keras does) or to stdout."""
    buffer = None
    if print_fn is None and getattr(sys.stdout, "isatty", lambda: False)():
        console = console_module.Console(highlight=False)
    else:
        buffer = io.StringIO()
        console = console_module.Console(
            file=buffer,
            width=max(width + 10, 80),
            highlight=False,
            force_terminal=False,
            color_system=None,
        )
    for line in lines:
        console.print(line)
    if buffer is None:
        return
    if print_fn is not None:
        print_fn(buffer.getvalue())
    else:
        sys.stdout.write(buffer.getvalue())
        sys.stdout.flush()
