"""`export_onnx`: a model's inference call as a standalone ONNX file.

The serving function (weights as constants) is traced to a jaxpr with a
symbolic batch dimension, and the jaxpr is translated equation by equation
into an ONNX graph (`_convert`); the batch stays dynamic in the file.
"""

import os
import re
from typing import Any

import jax
import numpy as np

from ember.core.atomic import atomic_write
from ember.export import _signature
from ember.export.onnx import _control
from ember.export.onnx import _elementwise
from ember.export.onnx import _linalg
from ember.export.onnx import _reduce
from ember.export.onnx import _shape
from ember.export.onnx._convert import Walker
from ember.export.onnx._graph import Dim
from ember.export.onnx._graph import Graph
from ember.export.onnx._graph import is_static

OPSET = 18
RULES = {
    **_elementwise.RULES,
    **_shape.RULES,
    **_reduce.RULES,
    **_linalg.RULES,
    **_control.RULES,
}
# Protocol buffers cannot hold more; larger models need external data.
_MAX_BYTES = 2**31 - 2**24


def _import_onnx():
    try:
        import onnx
    except ImportError as error:
        raise ImportError(
            "Exporting to ONNX needs the `onnx` package: "
            'pip install "ember[onnx]"'
        ) from error
    return onnx


def export_onnx(
    model,
    filepath: str | os.PathLike,
    input_signature: Any = None,
    verbose: bool = True,
) -> None:
    """Saves the model's inference call as an ONNX file.

    The file runs in any ONNX runtime without ember, jax or Python; its
    first (batch) dimension is dynamic. Inputs are named after the model's
    `Input`s (else `input_0`, ...), outputs `output_0`, ... (or the keys of
    a dict of outputs). Nothing is written when a part of the model has no
    ONNX translation: the ValueError names the primitive and the layer.

    Args:
        model: a built ember model or layer.
        filepath: where to write the `.onnx` file.
        input_signature: optional InputSpec (or structure of them) per
            positional input; by default the model's own inputs.
        verbose: print the path once written.

    Example:

    >>> export_onnx(model, "model.onnx")  # doctest: +SKIP
    Saved artifact at 'model.onnx'.
    >>> import onnxruntime  # doctest: +SKIP
    >>> session = onnxruntime.InferenceSession("model.onnx")  # doctest: +SKIP
    >>> session.run(None, {"input_layer": x})  # doctest: +SKIP
    """
    onnx = _import_onnx()
    signature = _signature.standardize_signature(model, input_signature)
    proto = build_onnx(onnx, model, signature)
    data = proto.SerializeToString()
    atomic_write(filepath, lambda path: _write_bytes(path, data))
    if verbose:
        print(f"Saved artifact at '{os.fspath(filepath)}'.")


def _write_bytes(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


def build_onnx(onnx, model, signature: list):
    """The ModelProto of `model` called on `signature` (InputSpecs)."""
    specs = _signature.flat_specs(signature)
    arguments = _signature.abstract_arguments(signature)
    serve = _signature.serving_function(model)
    closed, out_shapes = jax.make_jaxpr(serve, return_shape=True)(*arguments)
    flat_args = jax.tree_util.tree_leaves(arguments)
    graph = Graph(onnx)
    input_names = [graph.reserve(n) for n in _input_names(specs)]
    output_names = [graph.reserve(n) for n in _output_names(out_shapes)]
    for name, arg in zip(input_names, flat_args, strict=True):
        for axis, dim in enumerate(arg.shape):
            if is_static(dim):
                continue
            var = dim._to_var() if hasattr(dim, "_to_var") else None
            if var is not None and var not in graph.dim_env:
                size = graph.op("Shape", [name], start=axis, end=axis + 1)
                graph.dim_env[var] = Dim(graph, size)
    weights = _weight_names(graph, model, closed.consts)
    walker = Walker(RULES, _layer_names(model), model.name, weights)
    outputs = walker.run(graph, closed, input_names)
    out_avals = [v.aval for v in closed.jaxpr.outvars]
    body = graph.proto(
        list(zip(input_names, flat_args, strict=True)),
        list(zip(outputs, out_avals, strict=True)),
        name=_clean(model.name) or "model",
        output_names=output_names,
    )
    total = sum(len(t.raw_data) for t in body.initializer)
    if total > _MAX_BYTES:
        raise ValueError(
            f'Model "{model.name}" has {total / 2**30:.1f} GiB of constants; '
            "an ONNX file without external data holds at most 2 GiB."
        )
    proto = onnx.helper.make_model(
        body,
        opset_imports=[onnx.helper.make_opsetid("", OPSET)],
        producer_name="ember",
        doc_string=f'ember model "{model.name}", inference call.',
    )
    # The IR version that came with opset 18: older runtimes load the file.
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    return proto


def _input_names(specs) -> list[str]:
    names, seen = [], set()
    for i, spec in enumerate(specs):
        name = _clean(getattr(spec, "name", None) or "") or f"input_{i}"
        while name in seen:
            name = f"{name}_{i}"
        seen.add(name)
        names.append(name)
    return names


def _output_names(out_shapes) -> list[str]:
    leaves = jax.tree_util.tree_leaves(out_shapes)
    if isinstance(out_shapes, dict) and len(out_shapes) == len(leaves):
        keys = [_clean(str(k)) for k in sorted(out_shapes)]
        if len(set(keys)) == len(keys) and all(keys):
            return keys
    return [f"output_{i}" for i in range(len(leaves))]


def _layer_names(model) -> set[str]:
    layers = getattr(model, "_flatten_layers", lambda: [])()
    return {layer.name for layer in layers} | {model.name}


def _weight_names(graph: Graph, model, consts) -> dict[int, str]:
    """Initializers named after the variables they hold, when found."""
    paths = {id(v.value): v.path for v in model.variables}
    names = {}
    for value in consts:
        path = paths.get(id(value))
        if path is not None:
            names[id(value)] = graph.constant(
                np.asarray(value), name=_clean(path)
            )
    return names


def _clean(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_./:-]", "_", name)
