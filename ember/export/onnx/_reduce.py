"""Translation rules of reductions: over axes, cumulative, and windowed.

Windowed reductions (pooling) go to ONNX MaxPool / AveragePool over the
spatial axes only: the axes the window leaves alone (batch, channels) are
moved first, merged into ONNX's (N, C), and moved back afterwards.
onnxruntime rejects pooling windows over N or C.
"""

import numpy as np

from ember.export.onnx._graph import Unsupported
from ember.export.onnx._graph import is_static
from ember.export.onnx._shape import pad_edges

_REDUCE = {
    "reduce_sum": "ReduceSum",
    "reduce_max": "ReduceMax",
    "reduce_min": "ReduceMin",
    "reduce_prod": "ReduceProd",
}


def _reduce(op_type):
    def rule(ctx, x):
        axes = list(ctx.params["axes"])
        if not axes:
            return x
        return ctx.g.op(op_type, [x, ctx.g.ints(axes)], keepdims=0)

    return rule


def _reduce_logical(op_type):
    # onnxruntime reduces no booleans: through int32 and back.
    def rule(ctx, x):
        axes = list(ctx.params["axes"])
        if not axes:
            return x
        g = ctx.g
        y = g.op(op_type, [g.cast(x, np.int32), g.ints(axes)], keepdims=0)
        return g.cast(y, np.bool_)

    return rule


def _arg(op_type):
    def rule(ctx, x):
        g = ctx.g
        (axis,) = ctx.params["axes"]
        if np.dtype(ctx.in_avals[0].dtype) == np.bool_:
            x = g.cast(x, np.int32)
        y = g.op(op_type, [x], axis=axis, keepdims=0, select_last_index=0)
        return g.cast(y, ctx.params["index_dtype"])

    return rule


def _cumsum(ctx, x):
    g = ctx.g
    axis = g.constant(np.int64(ctx.params["axis"]))
    return g.op("CumSum", [x, axis], reverse=int(ctx.params["reverse"]))


def _pool(ctx, kind: str, x: str, init) -> str:
    """Windowed `kind` ("max" / "sum") of x, padded with `init`."""
    g = ctx.g
    p = ctx.params
    shape = tuple(ctx.in_avals[0].shape)
    rank = len(shape)
    window = tuple(p["window_dimensions"])
    strides = tuple(p["window_strides"])
    padding = tuple(tuple(pair) for pair in p["padding"])
    dilation = tuple(p["window_dilation"])
    if any(d != 1 for d in p["base_dilation"]):
        raise Unsupported("windows over a dilated base")
    if kind == "sum" and any(d != 1 for d in dilation):
        raise Unsupported("dilated sum windows (AveragePool has none)")
    spatial = [
        i
        for i in range(rank)
        if window[i] != 1
        or strides[i] != 1
        or not all(is_static(v) and v == 0 for v in padding[i])
        or dilation[i] != 1
    ]
    if not spatial:
        return x
    if len(spatial) > 3:
        raise Unsupported("pooling over more than 3 axes")
    # Pad explicitly with the reduction's initial value, as lax does.
    x = pad_edges(
        g,
        x,
        shape,
        [lo for lo, _ in padding],
        [hi for _, hi in padding],
        init,
    )
    padded = [shape[i] + padding[i][0] + padding[i][1] for i in range(rank)]
    kept = [i for i in range(rank) if i not in spatial]
    perm = kept + spatial
    if perm != list(range(rank)):
        x = g.op("Transpose", [x], perm=perm)
    kept_dims = [padded[i] for i in kept]
    spatial_dims = [padded[i] for i in spatial]
    if len(kept) == 2:
        nc = kept_dims
    elif len(kept) < 2:
        nc = [1] * (2 - len(kept)) + kept_dims
    else:
        size = 1
        for d in kept_dims[1:]:
            size = size * d
        nc = [kept_dims[0], size]
    if nc != kept_dims:
        x = g.reshape(x, nc + spatial_dims)
    attrs = {
        "kernel_shape": [window[i] for i in spatial],
        "strides": [strides[i] for i in spatial],
    }
    if kind == "max":
        attrs["dilations"] = [dilation[i] for i in spatial]
        y = g.op("MaxPool", [x], **attrs)
    else:
        y = g.op("AveragePool", [x], count_include_pad=1, **attrs)
        count = int(np.prod(attrs["kernel_shape"]))
        y = g.op(
            "Mul",
            [y, g.constant(np.asarray(count, ctx.in_avals[0].dtype))],
        )
    out_shape = tuple(ctx.out_avals[0].shape)
    if nc != kept_dims:
        y = g.reshape(y, [out_shape[i] for i in perm])
    if perm != list(range(rank)):
        y = g.op("Transpose", [y], perm=list(np.argsort(perm)))
    return y


def _scalar(ctx, value):
    return ctx.g.constant(np.asarray(value, dtype=ctx.in_avals[0].dtype))


def _lowest(dtype):
    dtype = np.dtype(dtype)
    if np.issubdtype(dtype, np.floating):
        return -np.inf
    return np.iinfo(dtype).min


def _highest(dtype):
    dtype = np.dtype(dtype)
    if np.issubdtype(dtype, np.floating):
        return np.inf
    return np.iinfo(dtype).max


def _reduce_window_max(ctx, x):
    return _pool(ctx, "max", x, _scalar(ctx, _lowest(ctx.in_avals[0].dtype)))


def _reduce_window_min(ctx, x):
    g = ctx.g
    init = _scalar(ctx, _lowest(ctx.in_avals[0].dtype))
    return g.op("Neg", [_pool(ctx, "max", g.op("Neg", [x]), init)])


def _reduce_window_sum(ctx, x):
    return _pool(ctx, "sum", x, _scalar(ctx, 0))


def _reduce_window(ctx, *operands):
    # A reducer jaxpr of one add / max / min, with its identity as init.
    jaxpr = ctx.params["jaxpr"]
    jaxpr = getattr(jaxpr, "jaxpr", jaxpr)
    if len(operands) != 2 or len(jaxpr.eqns) != 1:
        raise Unsupported("windowed reductions other than sum, max and min")
    reducer = jaxpr.eqns[0].primitive.name
    init = ctx.g.value_of(operands[1])
    dtype = ctx.in_avals[0].dtype
    identity = {"add": 0, "max": _lowest(dtype), "min": _highest(dtype)}
    if reducer not in identity:
        raise Unsupported(f"windowed reductions by {reducer}")
    if init is None or float(init) != float(identity[reducer]):
        raise Unsupported(
            f"windowed {reducer} whose initial value is not {identity[reducer]}"
        )
    rule = {
        "add": _reduce_window_sum,
        "max": _reduce_window_max,
        "min": _reduce_window_min,
    }[reducer]
    return rule(ctx, operands[0])


_REDUCERS = {
    "add": ("ReduceSum", "Add"),
    "max": ("ReduceMax", "Max"),
    "min": ("ReduceMin", "Min"),
    "mul": ("ReduceProd", "Mul"),
}


def _reduce_generic(ctx, *operands):
    # lax.reduce with a one-operation reducer: reduce, then fold in init.
    g = ctx.g
    if len(operands) != 2:
        raise Unsupported("reductions of several operands together")
    x, init = operands
    jaxpr = ctx.params["jaxpr"]
    jaxpr = getattr(jaxpr, "jaxpr", jaxpr)
    name = jaxpr.eqns[0].primitive.name if len(jaxpr.eqns) == 1 else None
    if name not in _REDUCERS:
        raise Unsupported("reductions other than by add, max, min or mul")
    reduce_op, binary_op = _REDUCERS[name]
    axes = list(ctx.params["dimensions"])
    y = g.op(reduce_op, [x, g.ints(axes)], keepdims=0) if axes else x
    return g.op(binary_op, [y, init])


def _sort(ctx, *operands):
    # Ascending along `dimension` by the first operand (TopK keeps ties in
    # index order); the other operands follow its permutation.
    g = ctx.g
    p = ctx.params
    if p["num_keys"] != 1:
        raise Unsupported("sorts by more than one key")
    axis = p["dimension"]
    size = g.dim(ctx.in_avals[0].shape[axis])
    values, order = g.op(
        "TopK", [operands[0], size], outputs=2, axis=axis, largest=0, sorted=1
    )
    others = [
        g.op("GatherElements", [x, order], axis=axis) for x in operands[1:]
    ]
    return [values, *others]


def _top_k(ctx, x):
    g = ctx.g
    axis = ctx.params.get("axis", -1)
    k = g.ints([ctx.params["k"]])
    values, indices = g.op(
        "TopK", [x, k], outputs=2, axis=axis, largest=1, sorted=1
    )
    return [values, g.cast(indices, ctx.out_avals[1].dtype)]


RULES = {
    "reduce": _reduce_generic,
    "sort": _sort,
    "top_k": _top_k,
    **{name: _reduce(op) for name, op in _REDUCE.items()},
    "reduce_and": _reduce_logical("ReduceMin"),
    "reduce_or": _reduce_logical("ReduceMax"),
    "argmax": _arg("ArgMax"),
    "argmin": _arg("ArgMin"),
    "cumsum": _cumsum,
    "reduce_window_max": _reduce_window_max,
    "reduce_window_min": _reduce_window_min,
    "reduce_window_sum": _reduce_window_sum,
    "reduce_window": _reduce_window,
}
