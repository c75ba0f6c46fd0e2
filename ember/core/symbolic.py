"""Symbolic tensors, operations and the nodes that record how they connect.

`Input(shape)` returns a `SymbolicTensor`: a shape (with `None` for unknown
dimensions) and a dtype. Calling a layer or an op on symbolic tensors runs
the real computation under `jax.eval_shape` to learn the output spec, and
records a `Node` linking inputs, operation and outputs. Functional models
replay those nodes.
"""

import functools
import itertools
import re
from collections.abc import Callable
from typing import Any
from typing import NamedTuple

import jax
import jax.numpy as jnp

from ember.core import naming
from ember.core.dtypes import standardize_dtype
from ember.core.ranks import promote_ranks
from ember.core.state_scope import StateScope

# Two stand-in sizes for unknown dimensions: a dimension of the output that
# differs between the two traces depends on an unknown one and is unknown.
_PROBE_SIZES = (8, 16)


class History(NamedTuple):
    """Where a symbolic tensor came from: its operation, node, position."""

    operation: Any
    node_index: int
    tensor_index: int


class SymbolicTensor:
    """A placeholder for an array: a shape (`None` where unknown) and dtype.

    Layers and ops called on symbolic tensors return symbolic tensors; the
    calls are recorded so that `Model(inputs, outputs)` can replay them.
    A tensor made by a masking layer (e.g. `Embedding(mask_zero=True)`)
    carries the spec of its mask in `_keras_mask`.

    Args:
        shape: a tuple of ints or None, batch dimension included.
        dtype: the dtype name, default `config.floatx()`.
        name: an optional name.
    """

    _ember_symbolic = True

    def __init__(
        self,
        shape,
        dtype: Any = None,
        sparse: bool = False,
        ragged: bool = False,
        name: str | None = None,
    ):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = standardize_dtype(dtype)
        self.sparse = sparse
        self.ragged = ragged
        self.name = name or naming.uniquify("keras_tensor")
        self._history: History | None = None
        # The mask spec (a boolean SymbolicTensor) when a layer that
        # produces or passes on masks made this tensor, as Keras'
        # `_keras_mask`.
        self._keras_mask: SymbolicTensor | None = None

    @property
    def ndim(self) -> int:
        """The rank."""
        return len(self.shape)

    def __repr__(self) -> str:
        return (
            f"<KerasTensor shape={self.shape}, dtype={self.dtype}, "
            f"sparse={self.sparse}, ragged={self.ragged}, name={self.name}>"
        )

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self):
        raise TypeError(
            "A symbolic tensor has no truth value; it stands for data that "
            "arrives later. Use ops.where or ops.cond instead of `if`."
        )

    def __iter__(self):
        raise TypeError(
            f"Cannot iterate over a symbolic tensor of shape {self.shape}."
        )

    def __len__(self) -> int:
        if self.shape and self.shape[0] is not None:
            return self.shape[0]
        raise TypeError("len() of a symbolic tensor with unknown first dim.")

    def __getitem__(self, index):
        return symbolic_apply(get_item, (self, index), {}, name="get_item")

    def __neg__(self):
        return symbolic_apply(jnp.negative, (self,), {}, name="negative")

    def __abs__(self):
        return symbolic_apply(jnp.abs, (self,), {}, name="absolute")

    def __invert__(self):
        return symbolic_apply(jnp.invert, (self,), {}, name="invert")

    @property
    def T(self):
        return symbolic_apply(jnp.transpose, (self,), {}, name="transpose")


def get_item(x, index):
    """`x[index]`, the op `SymbolicTensor.__getitem__` records."""
    return x[index]


def _binary(fn: Callable, name: str, reflected: bool = False):
    def method(self, other):
        args = (other, self) if reflected else (self, other)
        return symbolic_apply(fn, args, {}, name=name)

    return method


def _ranked(fn: Callable) -> Callable:
    """`fn` with NumPy broadcasting across ranks done explicitly.

    `__wrapped__` is `fn`, by which saving knows which op a node records.
    """

    @functools.wraps(fn)
    def ranked(x1, x2):
        return fn(*promote_ranks(x1, x2))

    return ranked


for _dunder, _fn, _name in [
    ("add", jnp.add, "add"),
    ("sub", jnp.subtract, "subtract"),
    ("mul", jnp.multiply, "multiply"),
    ("truediv", jnp.true_divide, "divide"),
    ("floordiv", jnp.floor_divide, "floor_divide"),
    ("mod", jnp.mod, "mod"),
    ("pow", jnp.power, "power"),
    ("matmul", jnp.matmul, "matmul"),
    ("and", jnp.logical_and, "logical_and"),
    ("or", jnp.logical_or, "logical_or"),
    ("xor", jnp.logical_xor, "logical_xor"),
]:
    if _dunder != "matmul":
        _fn = _ranked(_fn)
    setattr(SymbolicTensor, f"__{_dunder}__", _binary(_fn, _name))
    setattr(
        SymbolicTensor, f"__r{_dunder}__", _binary(_fn, _name, reflected=True)
    )
for _dunder, _fn, _name in [
    ("lt", jnp.less, "less"),
    ("le", jnp.less_equal, "less_equal"),
    ("gt", jnp.greater, "greater"),
    ("ge", jnp.greater_equal, "greater_equal"),
]:
    setattr(SymbolicTensor, f"__{_dunder}__", _binary(_ranked(_fn), _name))


def is_symbolic(x: Any) -> bool:
    """Whether `x` is a `SymbolicTensor`."""
    return isinstance(x, SymbolicTensor)


def flatten(tree: Any) -> list:
    """The leaves of a nested structure, symbolic tensors kept whole."""
    return jax.tree_util.tree_leaves(tree, is_leaf=is_symbolic)


def map_structure(fn: Callable, tree: Any) -> Any:
    """Applies `fn` to each leaf, symbolic tensors kept whole."""
    return jax.tree_util.tree_map(fn, tree, is_leaf=is_symbolic)


def any_symbolic(tree: Any) -> bool:
    """Whether any leaf of `tree` is a `SymbolicTensor`."""
    return any(is_symbolic(leaf) for leaf in flatten(tree))


class Node:
    """One call of an operation on symbolic tensors.

    Args:
        operation: the layer or op that was called.
        call_args: the positional arguments, symbolic tensors among them.
        call_kwargs: the keyword arguments.
        outputs: the symbolic outputs (any nested structure).
    """

    def __init__(
        self,
        operation: "Operation",
        call_args: tuple = (),
        call_kwargs: dict | None = None,
        outputs: Any = None,
    ):
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = outputs
        self.input_tensors = [
            t
            for t in flatten((self.call_args, self.call_kwargs))
            if is_symbolic(t)
        ]
        self.output_tensors = [t for t in flatten(outputs) if is_symbolic(t)]
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for tensor in self.input_tensors:
            if tensor._history is not None:
                tensor._history.operation._outbound_nodes.append(self)
        for i, tensor in enumerate(self.output_tensors):
            tensor._history = History(operation, node_index, i)

    @property
    def is_input(self) -> bool:
        """Whether this node starts a graph (it has no symbolic inputs)."""
        return not self.input_tensors

    @property
    def parent_nodes(self) -> list["Node"]:
        """The nodes that produced this node's inputs."""
        parents = []
        for tensor in self.input_tensors:
            if tensor._history is not None:
                op, node_index, _ = tensor._history
                parents.append(op._inbound_nodes[node_index])
        return parents

    def __repr__(self) -> str:
        return f"<Node operation={self.operation.name}>"


class Operation:
    """Anything that can be called on symbolic tensors and recorded.

    Layers are operations; plain ops become `FunctionOperation`s.
    """

    def __init__(self, name: str | None = None):
        self.name = name or naming.uniquify(
            naming.to_snake_case(type(self).__name__)
        )
        self._inbound_nodes: list[Node] = []
        self._outbound_nodes: list[Node] = []

    def call(self, *args, **kwargs):
        raise NotImplementedError

    def symbolic_call(self, *args, **kwargs) -> Any:
        """Computes the output spec and records a node."""
        outputs = compute_output_spec(self.call, *args, **kwargs)
        Node(self, args, kwargs, outputs)
        return outputs

    def __call__(self, *args, **kwargs):
        if any_symbolic((args, kwargs)):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)


class FunctionOperation(Operation):
    """An `Operation` wrapping a plain array function (an ember op)."""

    def __init__(self, fn: Callable, name: str | None = None):
        super().__init__(name=naming.uniquify(name or fn.__name__))
        self.fn = fn

    def call(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


def symbolic_apply(
    fn: Callable, args: tuple, kwargs: dict, name: str | None = None
) -> Any:
    """Records `fn(*args, **kwargs)` on symbolic arguments as a graph node."""
    return FunctionOperation(fn, name=name).symbolic_call(*args, **kwargs)


def symbolic_op(fn: Callable) -> Callable:
    """Wraps an array function so symbolic arguments record a graph node.

    On arrays the function runs as is (eagerly or under a trace). When any
    argument is a `SymbolicTensor`, the call is recorded as a node of the
    functional graph and returns symbolic outputs, their spec computed by
    tracing `fn` itself.

    Example:

    >>> @symbolic_op
    ... def double(x):
    ...     return x * 2
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if any_symbolic((args, kwargs)):
            return symbolic_apply(fn, args, kwargs, name=fn.__name__)
        return fn(*args, **kwargs)

    return wrapper


def _to_probe(leaf, size: int):
    if is_symbolic(leaf):
        shape = tuple(size if d is None else d for d in leaf.shape)
        return jax.ShapeDtypeStruct(shape, leaf.dtype)
    return leaf


def _split_static(args, kwargs):
    """Separates array stand-ins (traced) from everything else (static)."""
    leaves, treedef = jax.tree_util.tree_flatten(
        (args, kwargs), is_leaf=is_symbolic
    )
    dynamic_positions = [i for i, x in enumerate(leaves) if is_symbolic(x)]
    return leaves, treedef, dynamic_positions


def _unprobed(error: Exception, size: int) -> Exception:
    """`error` with the stand-in size of unknown dimensions shown as None.

    An error raised while tracing on probes would otherwise report shapes
    such as `(8, 3)` for inputs the user declared as `(None, 3)`: tuples
    whose first entry is the probe size are written with None there.
    """
    message = str(error)
    pattern = re.compile(rf"\(\s*{size}\s*(?=[,)])")
    fixed = pattern.sub("(None", message)
    if fixed == message or type(error) not in (ValueError, TypeError):
        return error
    return type(error)(fixed).with_traceback(error.__traceback__)


def compute_output_spec(fn: Callable, *args, **kwargs) -> Any:
    """Traces `fn` on symbolic arguments and returns symbolic outputs.

    The real function runs under `jax.eval_shape`; no data is computed.
    Variable assignments made by `fn` are discarded. Unknown (None)
    dimensions are probed with two sizes; output dimensions that change
    with them are reported as None.
    """
    leaves, treedef, positions = _split_static(args, kwargs)
    has_unknown = any(None in leaves[i].shape for i in positions)
    sizes = _PROBE_SIZES if has_unknown else _PROBE_SIZES[:1]

    results = []
    for size in sizes:
        probes = [_to_probe(leaves[i], size) for i in positions]

        def traced(*arrays):
            filled = list(leaves)
            for i, array in zip(positions, arrays, strict=True):
                filled[i] = array
            a, k = jax.tree_util.tree_unflatten(treedef, filled)
            with StateScope():
                return fn(*a, **k)

        try:
            results.append(jax.eval_shape(traced, *probes))
        except (ValueError, TypeError) as error:
            if not has_unknown:
                raise
            raise _unprobed(error, size) from None

    def to_symbolic(*specs):
        shape = tuple(
            dims[0] if len(set(dims)) == 1 else None
            for dims in itertools.zip_longest(*(s.shape for s in specs))
        )
        return SymbolicTensor(shape, dtype=specs[0].dtype)

    return jax.tree_util.tree_map(to_symbolic, *results)
