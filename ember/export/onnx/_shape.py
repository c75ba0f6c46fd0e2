"""Translation rules of primitives that move data: reshapes, broadcasts,
slices, pads, concatenation, gathers.

Shapes given in a primitive's parameters may hold the symbolic batch;
`Graph.shape` and `Graph.dim` turn them into tensors computed from the
inputs' shapes at run time.
"""

from typing import Any

import numpy as np

from ember.export.onnx._graph import INT64_MIN
from ember.export.onnx._graph import Graph
from ember.export.onnx._graph import Unsupported
from ember.export.onnx._graph import is_static
from ember.export.onnx._graph import same_dim


def vector(g: Graph, values: Any) -> str:
    """An int64 1-D tensor of ints and symbolic dimensions."""
    return g.shape(values)


def slice_axes(g: Graph, x: str, starts, ends, axes, steps=None) -> str:
    """`x[starts:ends:steps]` along `axes` (ints or dimensions)."""
    inputs = [x, vector(g, starts), vector(g, ends), g.ints(axes)]
    if steps is not None:
        inputs.append(g.ints(steps))
    return g.op("Slice", inputs)


def dilate(
    g: Graph, x: str, shape: tuple, axis: int, factor: int, fill: str
) -> tuple[str, tuple]:
    """Inserts `factor - 1` copies of `fill` between elements along `axis`.

    Returns the new tensor and its shape.
    """
    if factor == 1:
        return x, shape
    rank = len(shape)
    length = shape[axis]
    y = g.op("Unsqueeze", [x, g.ints([axis + 1])])
    pads = [0] * (2 * (rank + 1))
    pads[rank + 1 + axis + 1] = factor - 1
    y = g.op("Pad", [y, g.ints(pads), fill])
    merged = (*shape[:axis], length * factor, *shape[axis + 1 :])
    y = g.reshape(y, merged)
    size = (length - 1) * factor + 1
    y = slice_axes(g, y, [0], [size], [axis])
    return y, (*shape[:axis], size, *shape[axis + 1 :])


def pad_edges(g: Graph, x: str, shape: tuple, low, high, fill: str) -> str:
    """Pads (positive) or crops (negative) each axis at both ends."""
    if not all(is_static(p) for p in [*low, *high]):
        # Amounts known at run time only (a "same" padding of an open
        # dimension): Pad reads them from a tensor.
        return g.op("Pad", [x, vector(g, [*low, *high]), fill])
    rank = len(shape)
    crop = [i for i in range(rank) if low[i] < 0 or high[i] < 0]
    if crop:
        starts = [max(0, -low[i]) for i in crop]
        ends = [shape[i] - max(0, -high[i]) for i in crop]
        x = slice_axes(g, x, starts, ends, crop)
    pads = [max(0, p) for p in low] + [max(0, p) for p in high]
    if any(pads):
        x = g.op("Pad", [x, g.ints(pads), fill])
    return x


def _broadcast_in_dim(ctx, x, *dynamic):
    if dynamic:
        raise Unsupported("dynamic shapes are not supported")
    g = ctx.g
    shape = tuple(ctx.params["shape"])
    dims = tuple(ctx.params["broadcast_dimensions"])
    in_shape = ctx.in_avals[0].shape
    missing = [i for i in range(len(shape)) if i not in dims]
    y = g.op("Unsqueeze", [x, g.ints(missing)]) if missing else x
    current: list = [1] * len(shape)
    for k, d in enumerate(dims):
        current[d] = in_shape[k]
    target = [
        1 if same_dim(current[i], shape[i]) else shape[i]
        for i in range(len(shape))
    ]
    if all(is_static(t) and t == 1 for t in target):
        return y
    return g.op("Expand", [y, g.shape(target)])


def _reshape(ctx, x, *dynamic):
    if dynamic or ctx.params.get("dimensions") is not None:
        raise Unsupported("reshapes with dimensions or dynamic shapes")
    return ctx.g.reshape(x, ctx.params["new_sizes"])


def _squeeze(ctx, x):
    axes = list(ctx.params["dimensions"])
    if not axes:
        return x
    return ctx.g.op("Squeeze", [x, ctx.g.ints(axes)])


def _expand_dims(ctx, x):
    return ctx.g.op("Unsqueeze", [x, ctx.g.ints(ctx.params["dimensions"])])


def _transpose(ctx, x):
    perm = list(ctx.params["permutation"])
    if perm == sorted(perm):
        return x
    return ctx.g.op("Transpose", [x], perm=perm)


def _concatenate(ctx, *xs):
    return ctx.g.op("Concat", list(xs), axis=ctx.params["dimension"])


def _stack(ctx, *xs):
    g = ctx.g
    axis = ctx.params["axis"]
    axes = g.ints([axis])
    return g.op("Concat", [g.op("Unsqueeze", [x, axes]) for x in xs], axis=axis)


def _unstack(ctx, x):
    g = ctx.g
    axis = ctx.params["axis"]
    count = len(ctx.out_avals)
    parts = g.op("Split", [x, g.ints([1] * count)], outputs=count, axis=axis)
    parts = [parts] if isinstance(parts, str) else parts
    return [g.op("Squeeze", [part, g.ints([axis])]) for part in parts]


def _slice(ctx, x):
    shape = ctx.in_avals[0].shape
    starts = ctx.params["start_indices"]
    limits = ctx.params["limit_indices"]
    strides = ctx.params["strides"] or (1,) * len(shape)
    axes = [
        i
        for i in range(len(shape))
        if not (
            is_static(starts[i])
            and starts[i] == 0
            and same_dim(limits[i], shape[i])
            and strides[i] == 1
        )
    ]
    if not axes:
        return x
    return slice_axes(
        ctx.g,
        x,
        [starts[i] for i in axes],
        [limits[i] for i in axes],
        axes,
        [strides[i] for i in axes],
    )


def _rev(ctx, x):
    axes = list(ctx.params["dimensions"])
    if not axes:
        return x
    n = len(axes)
    return slice_axes(ctx.g, x, [-1] * n, [INT64_MIN] * n, axes, [-1] * n)


def _clamped_starts(g: Graph, starts: list[str], shape, sizes) -> str:
    """Start indices clamped to [0, dim - size] as lax does (int64)."""
    vec = g.op(
        "Concat",
        [g.op("Unsqueeze", [g.cast(s, np.int64), g.ints([0])]) for s in starts],
        axis=0,
    )
    upper = vector(g, [d - s for d, s in zip(shape, sizes, strict=True)])
    return g.op("Min", [g.op("Max", [vec, g.ints([0])]), upper])


def _dynamic_slice(ctx, x, *starts):
    g = ctx.g
    shape = ctx.in_avals[0].shape
    sizes = tuple(ctx.params["slice_sizes"])
    values = [g.value_of(s) for s in starts]
    if all(v is not None for v in values) and all(is_static(d) for d in shape):
        begin = [
            int(np.clip(int(v), 0, d - s))
            for v, d, s in zip(values, shape, sizes, strict=True)
        ]
        ends = [b + s for b, s in zip(begin, sizes, strict=True)]
        return slice_axes(g, x, begin, ends, list(range(len(shape))))
    begin = _clamped_starts(g, list(starts), shape, sizes)
    ends = g.op("Add", [begin, vector(g, sizes)])
    return g.op("Slice", [x, begin, ends, g.ints(range(len(shape)))])


def _dynamic_update_slice(ctx, x, update, *starts):
    # The update padded out to x's shape at the (clamped) start, over x.
    g = ctx.g
    shape = ctx.in_avals[0].shape
    sizes = ctx.in_avals[1].shape
    begin = _clamped_starts(g, list(starts), shape, sizes)
    after = g.op(
        "Sub", [g.op("Sub", [vector(g, shape), begin]), vector(g, sizes)]
    )
    pads = g.op("Concat", [begin, after], axis=0)
    zero = g.constant(np.zeros((), ctx.in_avals[1].dtype))
    placed = g.op("Pad", [update, pads, zero])
    ones = g.op(
        "ConstantOfShape",
        [vector(g, sizes)],
        value=g.onnx.numpy_helper.from_array(np.ones(1, np.int32)),
    )
    inside = g.op("Pad", [ones, pads, g.constant(np.int32(0))])
    return g.op("Where", [g.cast(inside, np.bool_), placed, x])


def _dim_as_value(ctx):
    g = ctx.g
    value = g.op("Squeeze", [g.dim(ctx.params["dim"]), g.ints([0])])
    return g.cast(value, ctx.out_avals[0].dtype)


def _tile(ctx, x):
    reps = list(ctx.params["reps"])
    if not all(is_static(r) for r in reps):
        raise Unsupported("symbolic repetitions")
    return ctx.g.op("Tile", [x, ctx.g.ints(reps)])


def _pad(ctx, x, fill):
    g = ctx.g
    config = ctx.params["padding_config"]
    shape = tuple(ctx.in_avals[0].shape)
    for axis, (_, _, interior) in enumerate(config):
        x, shape = dilate(g, x, shape, axis, interior + 1, fill)
    low = [lo for lo, _, _ in config]
    high = [hi for _, hi, _ in config]
    return pad_edges(g, x, shape, low, high, fill)


def _iota(ctx):
    g = ctx.g
    dtype = np.dtype(ctx.params["dtype"])
    shape = tuple(ctx.params["shape"])
    axis = ctx.params["dimension"]
    if all(is_static(d) for d in shape):
        line = np.arange(shape[axis], dtype=dtype)
        view = [1] * len(shape)
        view[axis] = shape[axis]
        return g.constant(np.broadcast_to(line.reshape(view), shape))
    length = g.op("Squeeze", [g.dim(shape[axis]), g.ints([0])])
    line = g.op(
        "Range",
        [g.constant(np.int64(0)), length, g.constant(np.int64(1))],
    )
    line = g.cast(line, dtype)
    view = [1] * len(shape)
    view[axis] = shape[axis]
    return g.op("Expand", [g.reshape(line, view), g.shape(shape)])


def _split(ctx, x):
    sizes = list(ctx.params["sizes"])
    if not all(is_static(s) for s in sizes):
        raise Unsupported("symbolic split sizes")
    return ctx.g.op(
        "Split",
        [x, ctx.g.ints(sizes)],
        outputs=len(sizes),
        axis=ctx.params["axis"],
    )


def _fill_value(ctx) -> np.ndarray:
    dtype = np.dtype(ctx.out_avals[0].dtype)
    value = ctx.params.get("fill_value")
    if value is None:
        if np.issubdtype(dtype, np.inexact):
            value = np.nan
        elif dtype == np.bool_:
            value = True
        elif np.issubdtype(dtype, np.signedinteger):
            value = np.iinfo(dtype).min
        else:
            value = np.iinfo(dtype).max
    return np.asarray(value, dtype=dtype)


def _gather(ctx, operand, indices):
    numbers = ctx.params["dimension_numbers"]
    index_shape = ctx.in_avals[1].shape
    if len(index_shape) == 1 and not numbers.operand_batching_dims:
        return _gather_slice(ctx, operand, indices)
    if ctx.g.value_of(indices) is not None:
        result = _gather_constant(ctx, operand, indices)
        if result is not None:
            return result
    if numbers.operand_batching_dims:
        return _gather_elements(ctx, operand, indices)
    return _gather_take(ctx, operand, indices)


def _gather_slice(ctx, operand, indices):
    # No batch of indices: a dynamic slice, then collapsed axes dropped.
    g = ctx.g
    numbers = ctx.params["dimension_numbers"]
    shape = ctx.in_avals[0].shape
    sizes = tuple(ctx.params["slice_sizes"])
    mode = ctx.params["mode"].name
    axes = list(numbers.start_index_map)
    value = g.value_of(indices)
    axis_sizes = [sizes[a] for a in axes]
    axis_dims = [shape[a] for a in axes]
    if value is not None and all(is_static(d) for d in axis_dims):
        raw = [int(v) for v in value]
        begin = [
            int(np.clip(r, 0, d - s))
            for r, d, s in zip(raw, axis_dims, axis_sizes, strict=True)
        ]
        if mode == "FILL_OR_DROP" and begin != raw:
            raise Unsupported("a constant out-of-bounds gather")
        ends = [b + s for b, s in zip(begin, axis_sizes, strict=True)]
        y = slice_axes(g, operand, begin, ends, axes) if axes else operand
        valid = None
    else:
        starts = [
            g.op("Gather", [indices, g.constant(np.int64(i))])
            for i in range(len(axes))
        ]
        begin = _clamped_starts(g, starts, axis_dims, axis_sizes)
        ends = g.op("Add", [begin, vector(g, axis_sizes)])
        y = g.op("Slice", [operand, begin, ends, g.ints(axes)])
        valid = None
        if mode == "FILL_OR_DROP":
            raw = g.cast(indices, np.int64)
            upper = vector(
                g, [d - s for d, s in zip(axis_dims, axis_sizes, strict=True)]
            )
            ok = g.op(
                "And",
                [
                    g.op("GreaterOrEqual", [raw, g.ints([0])]),
                    g.op("LessOrEqual", [raw, upper]),
                ],
            )
            valid = g.cast(
                g.op("ReduceMin", [g.cast(ok, np.int32)], keepdims=0),
                np.bool_,
            )
    # Axes outside start_index_map are sliced to slice_sizes from 0.
    others = [
        i
        for i in range(len(shape))
        if i not in axes and not same_dim(sizes[i], shape[i])
    ]
    if others:
        y = slice_axes(
            g, y, [0] * len(others), [sizes[i] for i in others], others
        )
    collapsed = list(numbers.collapsed_slice_dims)
    if collapsed:
        y = g.op("Squeeze", [y, g.ints(collapsed)])
    if valid is not None:
        y = g.op("Where", [valid, y, g.constant(_fill_value(ctx))])
    return y


def _gather_constant(ctx, operand, indices):
    """A gather by constant indices as one Gather of a flattened view.

    The axes the gather leaves whole and unindexed ("passthrough", the
    batch among them) go first; the others, static, are flattened into
    one axis, and jax itself computes which of its elements each output
    element reads. Returns None when an axis it needs is symbolic.
    """
    import jax

    g = ctx.g
    p = ctx.params
    numbers = p["dimension_numbers"]
    shape = tuple(ctx.in_avals[0].shape)
    sizes = tuple(p["slice_sizes"])
    indexed = set(numbers.start_index_map) | set(numbers.operand_batching_dims)
    through = [
        i
        for i in range(len(shape))
        if i not in indexed
        and i not in numbers.collapsed_slice_dims
        and same_dim(sizes[i], shape[i])
    ]
    rest = [i for i in range(len(shape)) if i not in through]
    if not all(is_static(shape[i]) for i in rest):
        return None
    flat = int(np.prod([shape[i] for i in rest]))
    if flat >= np.iinfo(np.int32).max:
        return None
    ids_shape = [1 if i in through else shape[i] for i in range(len(shape))]
    # Row-major over the other axes, in order: the flattened view's index.
    ids = np.arange(flat, dtype=np.int32).reshape(ids_shape)
    small_sizes = tuple(
        1 if i in through else sizes[i] for i in range(len(shape))
    )
    params = dict(p)
    params["slice_sizes"] = small_sizes
    params["fill_value"] = -1
    try:
        with jax.default_device(jax.devices("cpu")[0]):
            picked = np.asarray(
                ctx.eqn.primitive.bind(ids, g.value_of(indices), **params)
            )
    except Exception:
        return None
    # Output axes that come from passthrough operand axes: offset dims,
    # matched in operand order with the non-collapsed operand axes.
    kept = [
        i
        for i in range(len(shape))
        if i not in numbers.collapsed_slice_dims
        and i not in numbers.operand_batching_dims
    ]
    out_of = {kept[k]: d for k, d in enumerate(sorted(numbers.offset_dims))}
    through_out = [out_of[i] for i in through]
    other_out = [d for d in range(picked.ndim) if d not in through_out]
    picked = np.transpose(picked, through_out + other_out).reshape(
        [picked.shape[d] for d in other_out]
    )
    x = g.transpose(operand, through + rest)
    x = g.reshape(x, [shape[i] for i in through] + [flat])
    y = g.op(
        "Gather",
        [x, g.constant(np.maximum(picked, 0).astype(np.int64))],
        axis=len(through),
    )
    if (picked < 0).any():
        mask = g.constant(
            (picked >= 0).reshape([1] * len(through) + list(picked.shape))
        )
        y = g.op("Where", [mask, y, g.constant(_fill_value(ctx))])
    return g.transpose(y, np.argsort(through_out + other_out))


def _index_mode(ctx, indices, dims):
    """Indices made safe for the gather mode, and where they were valid.

    `indices` has the index vector last; `dims` are the sizes it indexes.
    Returns the indices and a boolean mask (None unless the mode fills).
    """
    g = ctx.g
    mode = ctx.params["mode"].name
    dtype = ctx.in_avals[1].dtype
    dims_vec = g.cast(vector(g, dims), dtype)
    zero = g.constant(np.zeros((), dtype))
    if mode == "CLIP":
        top = g.op("Sub", [dims_vec, g.constant(np.ones((), dtype))])
        return g.op("Min", [g.op("Max", [indices, zero]), top]), None
    if mode != "FILL_OR_DROP":
        return indices, None
    ok = g.op(
        "And",
        [
            g.op("GreaterOrEqual", [indices, zero]),
            g.op("Less", [indices, dims_vec]),
        ],
    )
    valid = g.cast(
        g.op("ReduceMin", [g.cast(ok, np.int32), g.ints([-1])], keepdims=0),
        np.bool_,
    )
    return g.op("Where", [ok, indices, zero]), valid


def _gather_elements(ctx, operand, indices):
    # take_along_axis: one index per element, batch axes aligned.
    g = ctx.g
    numbers = ctx.params["dimension_numbers"]
    rank = len(ctx.in_avals[0].shape)
    axes = list(numbers.start_index_map)
    if (
        len(axes) != 1
        or list(numbers.collapsed_slice_dims) != axes
        or numbers.offset_dims
        or list(numbers.operand_batching_dims)
        != list(numbers.start_indices_batching_dims)
        or sorted([*numbers.operand_batching_dims, *axes]) != list(range(rank))
    ):
        raise Unsupported(
            "gathers with batching dimensions other than take_along_axis"
        )
    axis = axes[0]
    indices, valid = _index_mode(ctx, indices, [ctx.in_avals[0].shape[axis]])
    flat = g.cast(g.op("Squeeze", [indices, g.ints([-1])]), np.int64)
    y = g.op("GatherElements", [operand, flat], axis=axis)
    if valid is not None:
        y = g.op("Where", [valid, y, g.constant(_fill_value(ctx))])
    return y


def _gather_take(ctx, operand, indices):
    # Whole slices picked along the indexed axes (jnp.take, x[idx]).
    g = ctx.g
    numbers = ctx.params["dimension_numbers"]
    shape = tuple(ctx.in_avals[0].shape)
    index_shape = tuple(ctx.in_avals[1].shape)
    sizes = tuple(ctx.params["slice_sizes"])
    axes = list(numbers.start_index_map)
    collapsed = set(numbers.collapsed_slice_dims)
    offset_dims = list(numbers.offset_dims)
    batch = index_shape[:-1]
    full = all(
        same_dim(sizes[i], shape[i]) for i in range(len(shape)) if i not in axes
    )
    if not full or any(sizes[a] != 1 for a in axes):
        raise Unsupported(
            "only gathers of whole slices (jnp.take, x[indices]) are supported"
        )
    if len(axes) > 1 and not all(a in collapsed for a in axes):
        raise Unsupported("multi-axis gathers that keep the indexed axes")
    if not collapsed <= set(axes):
        raise Unsupported("gathers collapsing axes that are not indexed")
    indices, valid = _index_mode(ctx, indices, [shape[a] for a in axes])
    if len(axes) == 1:
        a = axes[0]
        flat = g.op("Squeeze", [indices, g.ints([-1])])
        y = g.op("Gather", [operand, flat], axis=a)
        labels = [("o", i) for i in range(a)]
        labels += [("b", j) for j in range(len(batch))]
        if a not in collapsed:
            y = g.op("Unsqueeze", [y, g.ints([a + len(batch)])])
            labels.append(("o", a))
        labels += [("o", i) for i in range(a + 1, len(shape))]
    else:
        rest = [i for i in range(len(shape)) if i not in axes]
        if axes != list(range(len(axes))):
            operand = g.op("Transpose", [operand], perm=axes + rest)
        y = g.op("GatherND", [operand, g.cast(indices, np.int64)])
        labels = [("b", j) for j in range(len(batch))]
        labels += [("o", i) for i in rest]
    operand_axes = [lab for lab in labels if lab[0] == "o"]
    wanted = []
    batch_count = 0
    for p in range(len(batch) + len(operand_axes)):
        if p in offset_dims:
            wanted.append(operand_axes[offset_dims.index(p)])
        else:
            wanted.append(("b", batch_count))
            batch_count += 1
    perm = [labels.index(lab) for lab in wanted]
    if perm != list(range(len(perm))):
        y = g.op("Transpose", [y], perm=perm)
    if valid is not None:
        if offset_dims:
            valid = g.op("Unsqueeze", [valid, g.ints(offset_dims)])
        y = g.op("Where", [valid, y, g.constant(_fill_value(ctx))])
    return y


RULES = {
    "broadcast_in_dim": _broadcast_in_dim,
    "reshape": _reshape,
    "squeeze": _squeeze,
    "expand_dims": _expand_dims,
    "transpose": _transpose,
    "concatenate": _concatenate,
    "stack": _stack,
    "unstack": _unstack,
    "slice": _slice,
    "rev": _rev,
    "dynamic_slice": _dynamic_slice,
    "dynamic_update_slice": _dynamic_update_slice,
    "tile": _tile,
    "dim_as_value": _dim_as_value,
    "pad": _pad,
    "iota": _iota,
    "split": _split,
    "gather": _gather,
}
