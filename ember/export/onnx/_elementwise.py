"""Translation rules of elementwise primitives (arithmetic, math, logic).

jaxpr operands of an elementwise primitive have equal shapes, or are
scalars; ONNX broadcasting covers both.
"""

import numpy as np

from ember.export.onnx._graph import Unsupported

_UNARY = {
    "neg": "Neg",
    "exp": "Exp",
    "log": "Log",
    "tanh": "Tanh",
    "logistic": "Sigmoid",
    "erf": "Erf",
    "abs": "Abs",
    "sign": "Sign",
    "floor": "Floor",
    "ceil": "Ceil",
    "sqrt": "Sqrt",
    "sin": "Sin",
    "cos": "Cos",
    "tan": "Tan",
    "asin": "Asin",
    "acos": "Acos",
    "atan": "Atan",
    "sinh": "Sinh",
    "cosh": "Cosh",
    "asinh": "Asinh",
    "acosh": "Acosh",
    "atanh": "Atanh",
    "stop_gradient": "Identity",
    "copy": "Identity",
    "copy_p": "Identity",
    "reduce_precision": "Identity",
}

_BINARY = {
    "add": "Add",
    "sub": "Sub",
    "mul": "Mul",
    "div": "Div",
    "max": "Max",
    "min": "Min",
    "pow": "Pow",
    "eq": "Equal",
    "lt": "Less",
    "le": "LessOrEqual",
    "gt": "Greater",
    "ge": "GreaterOrEqual",
}

_LOGICAL = {"and": "And", "or": "Or", "xor": "Xor"}


def _unary(op_type):
    def rule(ctx, x):
        return ctx.g.op(op_type, [x])

    return rule


def _binary(op_type):
    def rule(ctx, x, y):
        return ctx.g.op(op_type, [x, y])

    return rule


def _is_bool(aval) -> bool:
    return np.dtype(aval.dtype) == np.bool_


def _logical(op_type):
    def rule(ctx, x, y):
        if _is_bool(ctx.in_avals[0]):
            return ctx.g.op(op_type, [x, y])
        return ctx.g.op("Bitwise" + op_type, [x, y])

    return rule


def _scalar(ctx, value, index: int = 0) -> str:
    return ctx.g.constant(np.asarray(value, dtype=ctx.in_avals[index].dtype))


def _max(ctx, x, y):
    # max(x, 0) as Relu, which onnxruntime fuses into a preceding Conv.
    g = ctx.g
    for a, b in ((x, y), (y, x)):
        value = g.value_of(b)
        if (
            value is not None
            and value.size == 1
            and np.issubdtype(value.dtype, np.floating)
            and float(value.reshape(())) == 0.0
            and tuple(ctx.out_avals[0].shape)
            == tuple(ctx.in_avals[[x, y].index(a)].shape)
        ):
            return g.op("Relu", [a])
    return g.op("Max", [x, y])


def _not(ctx, x):
    if _is_bool(ctx.in_avals[0]):
        return ctx.g.op("Not", [x])
    return ctx.g.op("BitwiseNot", [x])


def _ne(ctx, x, y):
    return ctx.g.op("Not", [ctx.g.op("Equal", [x, y])])


def _rem(ctx, x, y):
    # lax.rem takes the sign of the dividend, as C's fmod.
    return ctx.g.op("Mod", [x, y], fmod=1)


def _square(ctx, x):
    return ctx.g.op("Mul", [x, x])


def _rsqrt(ctx, x):
    return ctx.g.op("Reciprocal", [ctx.g.op("Sqrt", [x])])


def _log1p(ctx, x):
    return ctx.g.op("Log", [ctx.g.op("Add", [x, _scalar(ctx, 1)])])


def _expm1(ctx, x):
    return ctx.g.op("Sub", [ctx.g.op("Exp", [x]), _scalar(ctx, 1)])


def _erfc(ctx, x):
    return ctx.g.op("Sub", [_scalar(ctx, 1), ctx.g.op("Erf", [x])])


def _exp2(ctx, x):
    return ctx.g.op("Pow", [_scalar(ctx, 2), x])


def _cbrt(ctx, x):
    g = ctx.g
    root = g.op("Pow", [g.op("Abs", [x]), _scalar(ctx, 1 / 3)])
    return g.op("Mul", [g.op("Sign", [x]), root])


def _is_finite(ctx, x):
    g = ctx.g
    bad = g.op("Or", [g.op("IsInf", [x]), g.op("IsNaN", [x])])
    return g.op("Not", [bad])


def _integer_pow(ctx, x):
    y = ctx.params["y"]
    g = ctx.g
    if y == 0:
        return g.op("Add", [g.op("Mul", [x, _scalar(ctx, 0)]), _scalar(ctx, 1)])
    result, base, n = None, x, abs(y)
    while n:  # Square-and-multiply, as lax does.
        if n & 1:
            result = base if result is None else g.op("Mul", [result, base])
        n >>= 1
        if n:
            base = g.op("Mul", [base, base])
    if y < 0:
        result = g.op("Reciprocal", [result])
    return result


def _round(ctx, x):
    g = ctx.g
    if int(ctx.params["rounding_method"]) == 1:  # To nearest even.
        return g.op("Round", [x])
    # Half away from zero: floor(|x|), plus one when the fraction >= 1/2.
    magnitude = g.op("Abs", [x])
    whole = g.op("Floor", [magnitude])
    half_up = g.op(
        "GreaterOrEqual",
        [g.op("Sub", [magnitude, whole]), _scalar(ctx, 0.5)],
    )
    rounded = g.op("Add", [whole, g.cast(half_up, ctx.in_avals[0].dtype)])
    return g.op("Mul", [g.op("Sign", [x]), rounded])


def _atan2(ctx, y, x):
    g = ctx.g
    pi = _scalar(ctx, np.pi)
    zero = _scalar(ctx, 0)
    base = g.op("Atan", [g.op("Div", [y, x])])
    # x < 0: add pi when y >= 0, subtract it when y < 0.
    shift = g.op(
        "Where",
        [g.op("GreaterOrEqual", [y, zero]), pi, g.op("Neg", [pi])],
    )
    result = g.op(
        "Where",
        [g.op("Less", [x, zero]), g.op("Add", [base, shift]), base],
    )
    # x == 0: +-pi/2 by the sign of y, 0 when y is 0 too.
    axis = g.op("Mul", [g.op("Sign", [y]), _scalar(ctx, np.pi / 2)])
    return g.op("Where", [g.op("Equal", [x, zero]), axis, result])


def _convert_element_type(ctx, x):
    new = np.dtype(ctx.params["new_dtype"])
    if new == np.dtype(ctx.in_avals[0].dtype):
        return ctx.g.op("Identity", [x])
    return ctx.g.cast(x, new)


def _select_n(ctx, which, *cases):
    g = ctx.g
    if len(cases) == 1:
        return g.op("Identity", [cases[0]])
    if _is_bool(ctx.in_avals[0]):
        return g.op("Where", [which, cases[1], cases[0]])
    result = cases[-1]
    for i in range(len(cases) - 2, -1, -1):
        index = g.constant(np.asarray(i, dtype=ctx.in_avals[0].dtype))
        result = g.op(
            "Where", [g.op("Equal", [which, index]), cases[i], result]
        )
    return result


def _clamp(ctx, low, x, high):
    return ctx.g.op("Min", [ctx.g.op("Max", [x, low]), high])


def _unsupported(reason):
    def rule(ctx, *args):
        raise Unsupported(reason)

    return rule


RULES = {
    **{name: _unary(op) for name, op in _UNARY.items()},
    **{name: _binary(op) for name, op in _BINARY.items()},
    **{name: _logical(op) for name, op in _LOGICAL.items()},
    "max": _max,
    "not": _not,
    "ne": _ne,
    "rem": _rem,
    "square": _square,
    "rsqrt": _rsqrt,
    "log1p": _log1p,
    "expm1": _expm1,
    "erfc": _erfc,
    "exp2": _exp2,
    "cbrt": _cbrt,
    "is_finite": _is_finite,
    "integer_pow": _integer_pow,
    "round": _round,
    "atan2": _atan2,
    "convert_element_type": _convert_element_type,
    "select_n": _select_n,
    "clamp": _clamp,
    "erf_inv": _unsupported("ONNX has no inverse error function"),
    "lgamma": _unsupported("ONNX has no log-gamma function"),
    "digamma": _unsupported("ONNX has no digamma function"),
}
