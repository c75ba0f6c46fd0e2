"""Walks a jaxpr and emits ONNX nodes, one translation rule per primitive.

Equations whose inputs are all constants are evaluated here, with jax on
the CPU, and become constants (a bias broadcast to rank 4, a transposed
kernel). Equations whose outputs nothing reads are skipped. A primitive
without a rule raises a ValueError naming it and the ember layer whose
`call` emitted it (`jax.named_scope(layer.name)` is set around each call).
"""

from typing import Any

import jax
import jax.extend.core as jcore
import numpy as np

from ember.export.onnx._graph import Graph
from ember.export.onnx._graph import Unsupported
from ember.export.onnx._graph import is_static

# Constant folding must not blow a scalar up into a large initializer.
_FOLD_LIMIT = 4096


class Context:
    """What a translation rule sees: the graph, the equation, the walker."""

    def __init__(self, walker: "Walker", graph: Graph, eqn, name_stack: str):
        self.walker = walker
        self.g = graph
        self.eqn = eqn
        self.params = eqn.params
        self.in_avals = [v.aval for v in eqn.invars]
        self.out_avals = [v.aval for v in eqn.outvars]
        self.name_stack = name_stack

    def inline(self, jaxpr: Any, inputs: list[str]) -> list[str]:
        """Emits a nested (closed) jaxpr into the current graph."""
        return self.walker.run(self.g, jaxpr, inputs, self.name_stack)

    def run_in(self, graph: Graph, jaxpr: Any, inputs: list[str]) -> list[str]:
        """Emits a nested (closed) jaxpr into another (sub)graph."""
        return self.walker.run(graph, jaxpr, inputs, self.name_stack)


class Walker:
    """Translates jaxprs with `rules` (primitive name -> function)."""

    def __init__(
        self,
        rules: dict,
        layer_names: set[str],
        model_name: str,
        const_names: dict[int, str] | None = None,
    ):
        self.rules = rules
        self.layer_names = layer_names
        self.model_name = model_name
        # id(jaxpr constant) -> tensor name (the weights, named by path).
        self.const_names = dict(const_names or {})

    def run(
        self, graph: Graph, jaxpr: Any, inputs: list[str], name_stack: str = ""
    ) -> list[str]:
        """Emits `jaxpr` applied to `inputs`; returns its outputs' names."""
        consts: list = []
        if isinstance(jaxpr, jcore.ClosedJaxpr):
            consts = list(jaxpr.consts)
            jaxpr = jaxpr.jaxpr
        env: dict = {}
        for var, value in zip(jaxpr.constvars, consts, strict=True):
            env[var] = self._constant(graph, value)
        for var, name in zip(jaxpr.invars, inputs, strict=True):
            env[var] = name

        def read(atom):
            if isinstance(atom, jcore.Literal):
                return graph.constant(
                    np.asarray(atom.val, dtype=atom.aval.dtype)
                )
            return env[atom]

        for eqn in _live_equations(jaxpr):
            stack = _join(name_stack, str(eqn.source_info.name_stack))
            names = [read(v) for v in eqn.invars]
            outputs = self._fold(graph, eqn, names)
            if outputs is None:
                outputs = self._translate(graph, eqn, names, stack)
            for var, name in zip(eqn.outvars, outputs, strict=True):
                env[var] = name
        return [read(v) for v in jaxpr.outvars]

    def _translate(self, graph, eqn, names, stack) -> list[str]:
        name = eqn.primitive.name
        rule = self.rules.get(name)
        try:
            if rule is None:
                raise Unsupported("ember's ONNX export has no rule for it")
            outputs = rule(Context(self, graph, eqn, stack), *names)
        except Unsupported as error:
            raise ValueError(
                f'Cannot export "{self.model_name}" to ONNX: the primitive '
                f'"{name}" in layer "{self._layer(stack)}" has no ONNX '
                f"translation: {error}."
            ) from None
        if not isinstance(outputs, list | tuple):
            outputs = [outputs]
        return list(outputs)

    def _layer(self, stack: str) -> str:
        for part in reversed(stack.split("/")):
            if part in self.layer_names:
                return part
        return self.model_name

    def _constant(self, graph: Graph, value) -> str:
        key = id(value)
        if key not in self.const_names:
            self.const_names[key] = graph.constant(np.asarray(value))
        return self.const_names[key]

    def _fold(self, graph: Graph, eqn, names) -> list[str] | None:
        values = [graph.value_of(n) for n in names]
        if any(v is None for v in values) or _has_subjaxpr(eqn):
            return None
        if eqn.effects or not all(
            all(is_static(d) for d in v.aval.shape) for v in eqn.outvars
        ):
            return None
        biggest = max([_FOLD_LIMIT] + [v.size for v in values])
        if any(np.prod(v.aval.shape) > biggest for v in eqn.outvars):
            return None
        try:
            with jax.default_device(jax.devices("cpu")[0]):
                results = eqn.primitive.bind(*values, **eqn.params)
        except Exception:
            return None
        if not eqn.primitive.multiple_results:
            results = [results]
        return [
            graph.constant(np.asarray(r, dtype=v.aval.dtype))
            for r, v in zip(results, eqn.outvars, strict=True)
        ]


def _has_subjaxpr(eqn) -> bool:
    return any(True for _ in jcore.jaxprs_in_params(eqn.params))


def _live_equations(jaxpr) -> list:
    live = {v for v in jaxpr.outvars if isinstance(v, jcore.Var)}
    kept = []
    for eqn in reversed(jaxpr.eqns):
        if eqn.effects or any(v in live for v in eqn.outvars):
            kept.append(eqn)
            live.update(v for v in eqn.invars if isinstance(v, jcore.Var))
    return kept[::-1]


def _join(outer: str, inner: str) -> str:
    return "/".join(p for p in (outer, inner) if p)
