"""An ONNX graph under construction: nodes, constants and runtime shapes.

`Graph` hands out unique tensor names, records nodes, and keeps every
constant as a numpy array until the end, when only the ones some node reads
become initializers. Subgraphs (the bodies of Loop and If) are `Graph`s
with a parent; constants and shape arithmetic always go to the root graph,
whose values every subgraph can read.

Dimensions that are symbolic in the jaxpr (the batch) are computed at run
time from the inputs' shapes: `Graph.dim` evaluates jax's dimension expressions
with `Dim`, a number whose arithmetic emits ONNX nodes.
"""

from typing import Any

import numpy as np

INT64_MIN = np.iinfo(np.int64).min


class Unsupported(Exception):
    """A primitive, or a use of one, that has no ONNX translation."""


def is_static(dim: Any) -> bool:
    """Whether a jaxpr dimension is a plain integer."""
    return isinstance(dim, int | np.integer)


def same_dim(a: Any, b: Any) -> bool:
    """Whether two jaxpr dimensions are known to be equal."""
    try:
        return bool(a == b)
    except Exception:  # Inconclusive symbolic comparison.
        return False


class Graph:
    """One ONNX graph (the model's, or a Loop / If body).

    Args:
        onnx: the `onnx` module.
        parent: the enclosing graph, None for the root.
    """

    def __init__(self, onnx, parent: "Graph | None" = None):
        self.onnx = onnx
        self.parent = parent
        self.root: Graph = self if parent is None else parent.root
        self.nodes: list = []
        if parent is None:
            self._count = 0
            self._taken: set[str] = set()
            self.values: dict[str, np.ndarray] = {}
            self._constant_names: dict[tuple, str] = {}
            self._dim_names: dict[str, str] = {}
            self.dim_env: dict[str, Dim] = {}

    # -- names and nodes ------------------------------------------------------
    def fresh(self, hint: str = "t") -> str:
        """A new unique tensor name."""
        root = self.root
        name = hint
        while name in root._taken or name == hint:
            root._count += 1
            name = f"{hint}_{root._count}"
        root._taken.add(name)
        return name

    def reserve(self, name: str) -> str:
        """Claims `name` as is (an input, output or weight name) if free."""
        root = self.root
        if name in root._taken:
            return self.fresh(name)
        root._taken.add(name)
        return name

    def op(
        self,
        op_type: str,
        inputs: list,
        outputs: int | list = 1,
        **attributes,
    ) -> Any:
        """Adds a node; returns its output name (a list when several)."""
        names = (
            [self.fresh(op_type.lower()) for _ in range(outputs)]
            if isinstance(outputs, int)
            else list(outputs)
        )
        node = self.onnx.helper.make_node(
            op_type,
            ["" if i is None else i for i in inputs],
            names,
            name=self.fresh("node"),
            **{k: v for k, v in attributes.items() if v is not None},
        )
        self.nodes.append(node)
        return names[0] if len(names) == 1 else names

    def cast(self, x: str, dtype: Any) -> str:
        """`x` converted to a numpy / jax dtype."""
        return self.op("Cast", [x], to=onnx_type(self.onnx, dtype))

    # -- constants ------------------------------------------------------------
    def constant(self, value: Any, dtype: Any = None, name: str = "") -> str:
        """The name of a constant tensor (deduplicated when small)."""
        array = np.asarray(value, dtype=dtype)
        root = self.root
        key = None
        if array.size <= 16:
            key = (array.dtype.str, array.shape, array.tobytes())
            if key in root._constant_names:
                return root._constant_names[key]
        tensor_name = self.reserve(name) if name else self.fresh("const")
        root.values[tensor_name] = array
        if key is not None:
            root._constant_names[key] = tensor_name
        return tensor_name

    def ints(self, values: Any) -> str:
        """A constant 1-D int64 tensor."""
        return self.constant(np.asarray(values, dtype=np.int64).reshape(-1))

    def value_of(self, name: str) -> np.ndarray | None:
        """The numpy value of a constant tensor, None if computed."""
        return self.root.values.get(name)

    def transpose(self, x: str, perm: Any) -> str:
        """`x` transposed; computed now when `x` is a constant."""
        perm = [int(p) for p in perm]
        if perm == list(range(len(perm))):
            return x
        value = self.value_of(x)
        if value is not None:
            return self.constant(np.transpose(value, perm))
        return self.op("Transpose", [x], perm=perm)

    def flip(self, x: str, axes: Any) -> str:
        """`x` reversed along `axes`; computed now when `x` is a constant."""
        axes = [int(a) for a in axes]
        if not axes:
            return x
        value = self.value_of(x)
        if value is not None:
            return self.constant(np.flip(value, axes))
        n = len(axes)
        return self.op(
            "Slice",
            [
                x,
                self.ints([-1] * n),
                self.ints([INT64_MIN] * n),
                self.ints(axes),
                self.ints([-1] * n),
            ],
        )

    # -- finishing ------------------------------------------------------------
    def value_info(self, name: str, aval: Any):
        """An ONNX ValueInfo for a tensor of a jax aval's type and shape."""
        shape = [int(d) if is_static(d) else str(d) for d in aval.shape]
        return self.onnx.helper.make_tensor_value_info(
            name, onnx_type(self.onnx, aval.dtype), shape
        )

    def proto(
        self,
        inputs: list,
        outputs: list,
        name: str = "body",
        output_names: list[str] | None = None,
    ):
        """This graph as a GraphProto; `inputs`, `outputs`: (name, aval).

        Each output goes through an Identity (to `output_names`, or fresh
        names), so that no graph returns an input or an outer value
        directly.
        """
        results = []
        for i, (tensor, aval) in enumerate(outputs):
            target = output_names[i] if output_names else self.fresh("out")
            self.op("Identity", [tensor], outputs=[target])
            results.append(self.value_info(target, aval))
        initializers = []
        if self.parent is None:
            self._prune({info.name for info in results})
            used = _used_names(self.nodes)
            initializers = [
                self.onnx.numpy_helper.from_array(value, name=key)
                for key, value in self.values.items()
                if key in used
            ]
        return self.onnx.helper.make_graph(
            self.nodes,
            name,
            [self.value_info(n, aval) for n, aval in inputs],
            results,
            initializer=initializers,
        )

    def _prune(self, needed: set[str]) -> None:
        """Drops the root's nodes whose outputs nothing reads."""
        needed = set(needed)
        kept = []
        for node in reversed(self.nodes):
            if any(o in needed for o in node.output):
                kept.append(node)
                needed |= _used_names([node])
        self.nodes = kept[::-1]

    # -- runtime dimensions ---------------------------------------------------
    def dim(self, dim: Any) -> str:
        """An int64 tensor of shape (1,) holding one jaxpr dimension."""
        if is_static(dim):
            return self.ints([dim])
        root = self.root
        key = str(dim)
        if key not in root._dim_names:
            try:
                value = dim._evaluate(root.dim_env)
            except Exception as error:  # max / min of dimensions, say.
                raise Unsupported(
                    f"the dimension {dim} cannot be computed at run time "
                    f"({type(error).__name__}); give input_signature fixed "
                    "sizes for the axes it depends on"
                ) from None
            root._dim_names[key] = _as_dim(root, value).name
        return root._dim_names[key]

    def shape(self, dims: Any) -> str:
        """An int64 1-D tensor of a (possibly symbolic) shape."""
        dims = tuple(dims)
        if all(is_static(d) for d in dims):
            return self.ints(dims)
        return self.root.op("Concat", [self.dim(d) for d in dims], axis=0)

    def reshape(self, x: str, dims: Any) -> str:
        """`x` reshaped to `dims`; one symbolic dimension becomes -1."""
        dims = tuple(dims)
        value = self.value_of(x)
        if value is not None and all(is_static(d) for d in dims):
            return self.constant(value.reshape(dims))
        static = [d if is_static(d) else -1 for d in dims]
        if static.count(-1) == 1 and 0 not in static:
            return self.op("Reshape", [x, self.ints(static)])
        shape = self.shape(dims)
        allowzero = 1 if any(is_static(d) and d == 0 for d in dims) else None
        return self.op("Reshape", [x, shape], allowzero=allowzero)


class Dim:
    """A runtime dimension (an int64 tensor of shape (1,)) with arithmetic.

    jax evaluates a symbolic dimension such as `2*batch + 1` with these in
    place of its variables; each operation emits an ONNX node.
    """

    def __init__(self, graph: Graph, name: str):
        self.graph = graph
        self.name = name

    def _binary(self, op_type: str, other, swap: bool = False) -> "Dim":
        other = _as_dim(self.graph, other)
        a, b = (other, self) if swap else (self, other)
        return Dim(self.graph, self.graph.op(op_type, [a.name, b.name]))

    def __add__(self, other):
        return self._binary("Add", other)

    def __radd__(self, other):
        return self._binary("Add", other, swap=True)

    def __sub__(self, other):
        return self._binary("Sub", other)

    def __rsub__(self, other):
        return self._binary("Sub", other, swap=True)

    def __mul__(self, other):
        return self._binary("Mul", other)

    def __rmul__(self, other):
        return self._binary("Mul", other, swap=True)

    def __neg__(self):
        return Dim(self.graph, self.graph.op("Neg", [self.name]))

    def __divmod__(self, other):
        # Floor division and a remainder of the divisor's sign, as jax's.
        other = _as_dim(self.graph, other)
        g = self.graph
        a = g.op("Cast", [self.name], to=self.graph.onnx.TensorProto.DOUBLE)
        b = g.op("Cast", [other.name], to=self.graph.onnx.TensorProto.DOUBLE)
        quotient = g.op(
            "Cast",
            [g.op("Floor", [g.op("Div", [a, b])])],
            to=self.graph.onnx.TensorProto.INT64,
        )
        remainder = g.op(
            "Sub", [self.name, g.op("Mul", [quotient, other.name])]
        )
        return Dim(g, quotient), Dim(g, remainder)

    def __floordiv__(self, other):
        return divmod(self, other)[0]

    def __mod__(self, other):
        return divmod(self, other)[1]


def _used_names(nodes) -> set[str]:
    """Every tensor name the nodes read, subgraphs included."""
    names: set[str] = set()
    for node in nodes:
        names.update(node.input)
        for attribute in node.attribute:
            graphs = list(attribute.graphs)
            if attribute.HasField("g"):
                graphs.append(attribute.g)
            for graph in graphs:
                names |= _used_names(graph.node)
    return names


def _as_dim(graph: Graph, value: Any) -> Dim:
    if isinstance(value, Dim):
        return value
    return Dim(graph, graph.ints([int(value)]))


def onnx_type(onnx, dtype: Any) -> int:
    """The ONNX TensorProto element type of a numpy / jax dtype."""
    dtype = np.dtype(dtype)
    if dtype.name == "bfloat16":
        return onnx.TensorProto.BFLOAT16
    return onnx.helper.np_dtype_to_tensor_dtype(dtype)
