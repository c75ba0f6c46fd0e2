"""Translation rules of primitives holding jaxprs: calls, loops, branches.

Calls (jit, custom_jvp_call, custom_vjp_call, checkpoint) are inlined.
A `scan` of known length (up to `UNROLL_LIMIT` steps: recurrent layers
over a fixed number of timesteps) is unrolled; a longer one, one over an
open number of steps, and `while` become an ONNX Loop, whose body reads
the outer values it needs by name. The Loop of a `scan` picks its slice of
each scanned input with a Gather on the iteration number and stacks the
per-step outputs as `scan` does. `cond` becomes a chain of If.
"""

import numpy as np

from ember.export.onnx._graph import Graph
from ember.export.onnx._graph import is_static


def _as_list(names) -> list[str]:
    return [names] if isinstance(names, str) else list(names)


def _inline(*keys):
    def rule(ctx, *args):
        for key in keys:
            if key in ctx.params:
                return ctx.inline(ctx.params[key], list(args))
        raise KeyError(f"none of {keys} in {sorted(ctx.params)}")

    return rule


def _identity(ctx, *args):
    return [ctx.g.op("Identity", [a]) for a in args]


class _Scalar:
    def __init__(self, dtype):
        self.shape = ()
        self.dtype = np.dtype(dtype)


def _loop_body(ctx, carry_avals) -> tuple[Graph, str, str, list[str]]:
    sub = Graph(ctx.g.onnx, parent=ctx.g)
    step = sub.fresh("step")
    condition = sub.fresh("cond")
    carry = [sub.fresh("carry") for _ in carry_avals]
    return sub, step, condition, carry


def _body_proto(
    sub,
    step,
    condition,
    carry,
    carry_avals,
    condition_out,
    outputs,
    output_avals,
):
    inputs = [(step, _Scalar(np.int64)), (condition, _Scalar(np.bool_))]
    inputs += list(zip(carry, carry_avals, strict=True))
    results = [(condition_out, _Scalar(np.bool_))]
    results += list(zip(outputs, output_avals, strict=True))
    return sub.proto(inputs, results, name=sub.fresh("loop_body"))


# Scans of a known length up to this are unrolled: onnxruntime runs a
# straight-line graph faster than a Loop, whose every step has a cost.
UNROLL_LIMIT = 256


def _scan_unrolled(ctx, consts, init, xs):
    g = ctx.g
    p = ctx.params
    length = p["length"]
    carry = list(init)
    ys_steps = [None] * length
    steps = range(length - 1, -1, -1) if p["reverse"] else range(length)
    for t in steps:
        index = g.constant(np.int64(t))
        sliced = [g.op("Gather", [x, index], axis=0) for x in xs]
        outputs = ctx.inline(p["jaxpr"], consts + carry + sliced)
        carry = outputs[: len(init)]
        ys_steps[t] = outputs[len(init) :]
    n_ys = len(p["jaxpr"].jaxpr.outvars) - len(init)
    stacked = []
    for k in range(n_ys):
        axis = g.ints([0])
        parts = [
            g.op("Unsqueeze", [ys_steps[t][k], axis]) for t in range(length)
        ]
        stacked.append(
            parts[0] if length == 1 else g.op("Concat", parts, axis=0)
        )
    return carry + stacked


def _scan(ctx, *args):
    g = ctx.g
    p = ctx.params
    n_consts, n_carry = p["num_consts"], p["num_carry"]
    consts = list(args[:n_consts])
    init = list(args[n_consts : n_consts + n_carry])
    xs = list(args[n_consts + n_carry :])
    body = p["jaxpr"]
    body_in = [v.aval for v in body.jaxpr.invars]
    body_out = [v.aval for v in body.jaxpr.outvars]
    carry_avals = body_in[n_consts : n_consts + n_carry]
    length = p["length"]
    if is_static(length) and 0 < length <= UNROLL_LIMIT:
        return _scan_unrolled(ctx, consts, init, xs)
    if is_static(length):
        trip = g.constant(np.int64(length))
    else:
        trip = g.root.op("Squeeze", [g.dim(length), g.ints([0])])
    sub, step, condition, carry = _loop_body(ctx, carry_avals)
    index = step
    if p["reverse"]:
        last = g.root.op("Sub", [trip, g.constant(np.int64(1))])
        index = sub.op("Sub", [last, step])
    sliced = [sub.op("Gather", [x, index], axis=0) for x in xs]
    outputs = ctx.run_in(sub, body, consts + carry + sliced)
    proto = _body_proto(
        sub,
        step,
        condition,
        carry,
        carry_avals,
        sub.op("Identity", [condition]),
        outputs,
        body_out,
    )
    results = _as_list(
        g.op(
            "Loop",
            [trip, g.constant(np.bool_(True)), *init],
            outputs=len(body_out),
            body=proto,
        )
    )
    finals, stacked = results[:n_carry], results[n_carry:]
    if p["reverse"]:
        stacked = [g.flip(y, [0]) for y in stacked]
    return finals + stacked


def _while(ctx, *args):
    g = ctx.g
    p = ctx.params
    n_cond, n_body = p["cond_nconsts"], p["body_nconsts"]
    cond_consts = list(args[:n_cond])
    body_consts = list(args[n_cond : n_cond + n_body])
    init = list(args[n_cond + n_body :])
    cond_jaxpr, body_jaxpr = p["cond_jaxpr"], p["body_jaxpr"]
    carry_avals = [v.aval for v in body_jaxpr.jaxpr.outvars]
    first = ctx.inline(cond_jaxpr, cond_consts + init)[0]
    sub, step, condition, carry = _loop_body(ctx, carry_avals)
    new = ctx.run_in(sub, body_jaxpr, body_consts + carry)
    again = ctx.run_in(sub, cond_jaxpr, cond_consts + new)[0]
    proto = _body_proto(
        sub, step, condition, carry, carry_avals, again, new, carry_avals
    )
    return _as_list(
        g.op("Loop", [None, first, *init], outputs=len(init), body=proto)
    )


def _cond(ctx, index, *operands):
    branches = list(ctx.params["branches"])
    return _branch(ctx, ctx.g, index, list(operands), branches, 0)


def _branch(ctx, g: Graph, index, operands, branches, k):
    if k == len(branches) - 1:
        return ctx.run_in(g, branches[k], operands)
    bound = g.constant(np.asarray(k, dtype=ctx.in_avals[0].dtype))
    condition = g.op("LessOrEqual", [index, bound])
    then = Graph(g.onnx, parent=g)
    then_out = ctx.run_in(then, branches[k], operands)
    other = Graph(g.onnx, parent=g)
    other_out = _branch(ctx, other, index, operands, branches, k + 1)
    avals = ctx.out_avals
    return _as_list(
        g.op(
            "If",
            [condition],
            outputs=len(avals),
            then_branch=then.proto(
                [],
                list(zip(then_out, avals, strict=True)),
                name=g.fresh("then"),
            ),
            else_branch=other.proto(
                [],
                list(zip(other_out, avals, strict=True)),
                name=g.fresh("else"),
            ),
        )
    )


RULES = {
    "pjit": _inline("jaxpr"),
    "jit": _inline("jaxpr"),
    "closed_call": _inline("call_jaxpr"),
    "core_call": _inline("call_jaxpr"),
    "custom_jvp_call": _inline("call_jaxpr"),
    "custom_vjp_call": _inline("call_jaxpr", "fun_jaxpr"),
    "custom_vjp_call_jaxpr": _inline("fun_jaxpr", "call_jaxpr"),
    "checkpoint": _inline("jaxpr"),
    "remat": _inline("jaxpr"),
    "remat2": _inline("jaxpr"),
    "optimization_barrier": _identity,
    "scan": _scan,
    "while": _while,
    "cond": _cond,
}
