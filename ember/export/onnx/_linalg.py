"""Translation rules of contractions: dot_general and convolutions.

`dot_general` becomes MatMul when its dimension numbers are a (batched)
matrix product, Einsum otherwise. `conv_general_dilated` becomes Conv in
ONNX's channels-first layout, with Transposes around it; a convolution
with input dilation (what transposed convolutions lower to) becomes
ConvTranspose, or a Conv over the input with zeros inserted.
"""

import string

import numpy as np

from ember.export.onnx._graph import Unsupported
from ember.export.onnx._graph import is_static
from ember.export.onnx._shape import dilate
from ember.export.onnx._shape import pad_edges


def _cast_operands(ctx, lhs, rhs):
    preferred = ctx.params.get("preferred_element_type")
    g = ctx.g
    if preferred is None:
        return lhs, rhs
    preferred = np.dtype(preferred)
    if np.dtype(ctx.in_avals[0].dtype) != preferred:
        lhs = g.cast(lhs, preferred)
    if np.dtype(ctx.in_avals[1].dtype) != preferred:
        rhs = g.cast(rhs, preferred)
    return lhs, rhs


def _dot_general(ctx, lhs, rhs):
    g = ctx.g
    (lc, rc), (lb, rb) = ctx.params["dimension_numbers"]
    lc, rc, lb, rb = list(lc), list(rc), list(lb), list(rb)
    nl = len(ctx.in_avals[0].shape)
    nr = len(ctx.in_avals[1].shape)
    lhs, rhs = _cast_operands(ctx, lhs, rhs)
    b = len(lb)
    batch = list(range(b))
    if lb == batch and rb == batch and lc == [nl - 1] and nl >= b + 1:
        # (batch..., [M...], K) x (batch..., K, N): a matrix product.
        if nr == b + 2 and rc == [b]:
            return _checked(ctx, g.op("MatMul", [lhs, rhs]))
        if nr == b + 2 and rc == [b + 1]:
            perm = [*batch, b + 1, b]
            return _checked(ctx, g.op("MatMul", [lhs, g.transpose(rhs, perm)]))
        if b == 0 and nr == 1 and rc == [0]:
            return _checked(ctx, g.op("MatMul", [lhs, rhs]))
    if nl + nr > len(string.ascii_letters):
        raise Unsupported("contractions of too many dimensions")
    letters = iter(string.ascii_letters)
    left = [next(letters) for _ in range(nl)]
    right = [""] * nr
    for i, j in zip(lb + lc, rb + rc, strict=True):
        right[j] = left[i]
    right = [r or next(letters) for r in right]
    out = [left[i] for i in lb]
    out += [left[i] for i in range(nl) if i not in lb and i not in lc]
    out += [right[j] for j in range(nr) if j not in rb and j not in rc]
    equation = f"{''.join(left)},{''.join(right)}->{''.join(out)}"
    return _checked(ctx, g.op("Einsum", [lhs, rhs], equation=equation))


def _checked(ctx, y):
    out = np.dtype(ctx.out_avals[0].dtype)
    preferred = ctx.params.get("preferred_element_type")
    produced = np.dtype(preferred or ctx.in_avals[0].dtype)
    return y if produced == out else ctx.g.cast(y, out)


def _conv(ctx, lhs, rhs):
    g = ctx.g
    p = ctx.params
    if p["batch_group_count"] != 1:
        raise Unsupported("batch_group_count > 1 (a gradient convolution)")
    numbers = p["dimension_numbers"]
    lhs_spec, rhs_spec, out_spec = (
        list(numbers.lhs_spec),
        list(numbers.rhs_spec),
        list(numbers.out_spec),
    )
    lhs, rhs = _cast_operands(ctx, lhs, rhs)
    x = g.transpose(lhs, lhs_spec)
    w = g.transpose(rhs, rhs_spec)
    in_shape = tuple(ctx.in_avals[0].shape[i] for i in lhs_spec)
    kernel = tuple(ctx.in_avals[1].shape[i] for i in rhs_spec)
    n = len(in_shape) - 2
    strides = list(p["window_strides"])
    base = list(p["lhs_dilation"] or [1] * n)
    dilations = list(p["rhs_dilation"] or [1] * n)
    padding = [tuple(pair) for pair in p["padding"]]
    groups = p["feature_group_count"]
    if any(s != 1 for s in base):
        y = _conv_transpose(ctx, x, w, kernel, base, dilations, padding, groups)
        if y is None:
            y = _conv_dilated(
                ctx, x, w, in_shape, strides, base, dilations, padding, groups
            )
    else:
        y = _conv_padded(
            ctx, x, w, in_shape, strides, dilations, padding, groups
        )
    y = g.transpose(y, np.argsort(out_spec))
    return _checked(ctx, y)


def _conv_padded(ctx, x, w, shape, strides, dilations, padding, groups):
    g = ctx.g
    low = [0, 0] + [lo for lo, _ in padding]
    high = [0, 0] + [hi for _, hi in padding]
    if not all(is_static(v) for v in low + high):
        zero = g.constant(np.zeros((), ctx.in_avals[0].dtype))
        x = pad_edges(g, x, shape, low, high, zero)
        padding = [(0, 0)] * len(padding)
    elif any(v < 0 for v in low + high):
        zero = g.constant(np.zeros((), ctx.in_avals[0].dtype))
        x = pad_edges(
            g,
            x,
            shape,
            [min(v, 0) for v in low],
            [min(v, 0) for v in high],
            zero,
        )
    pads = [max(lo, 0) for lo, _ in padding] + [max(hi, 0) for _, hi in padding]
    return g.op(
        "Conv",
        [x, w],
        strides=strides,
        dilations=dilations,
        pads=pads,
        group=groups,
    )


def _conv_transpose(ctx, x, w, kernel, base, dilations, padding, groups):
    """ConvTranspose equal to a Conv of the zero-dilated input, or None.

    The Conv pads the dilated input by (lo, hi); the full transposed
    convolution pads it by (k - 1) * d on both sides, so ConvTranspose
    crops (k - 1) * d - lo and (k - 1) * d - hi.
    """
    g = ctx.g
    if any(s != 1 for s in ctx.params["window_strides"]):
        return None
    if not all(is_static(v) for pair in padding for v in pair):
        return None
    sizes = kernel[2:]
    span = [(k - 1) * d for k, d in zip(sizes, dilations, strict=True)]
    low = [s - lo for s, (lo, _) in zip(span, padding, strict=True)]
    high = [s - hi for s, (_, hi) in zip(span, padding, strict=True)]
    if any(v < 0 for v in low + high):
        return None
    out_channels, in_per_group = kernel[0], kernel[1]
    per_group = out_channels // groups
    n = len(sizes)
    # (O, I/G, k...) -> (G, O/G, I/G, k...) -> (I, O/G, k...), flipped.
    w = g.reshape(w, (groups, per_group, in_per_group, *sizes))
    w = g.transpose(w, [0, 2, 1, *range(3, 3 + n)])
    w = g.reshape(w, (groups * in_per_group, per_group, *sizes))
    w = g.flip(w, range(2, 2 + n))
    return g.op(
        "ConvTranspose",
        [x, w],
        strides=list(base),
        dilations=list(dilations),
        pads=low + high,
        group=groups,
        kernel_shape=list(sizes),
    )


def _conv_dilated(ctx, x, w, shape, strides, base, dilations, padding, groups):
    g = ctx.g
    zero = g.constant(np.zeros((), ctx.in_avals[0].dtype))
    for i, factor in enumerate(base):
        x, shape = dilate(g, x, shape, 2 + i, factor, zero)
    return _conv_padded(ctx, x, w, shape, strides, dilations, padding, groups)


RULES = {
    "dot_general": _dot_general,
    "conv_general_dilated": _conv,
}
