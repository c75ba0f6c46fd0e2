"""Variable: one jax.Array plus its name, path, dtype and trainable flag."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.core import naming
from ember.core.autocast_scope import current_autocast_scope
from ember.core.checks import check_variable_shape
from ember.core.dtypes import standardize_dtype
from ember.core.host import to_numpy
from ember.core.ranks import promote_ranks
from ember.core.state_scope import current_scope


def _itemsize(dtype: str) -> int:
    try:
        return jnp.dtype(dtype).itemsize
    except TypeError:
        return 1


class Variable:
    """A named, mutable holder of one array: the state of layers and models.

    Outside of pure code a variable is the single source of truth for its
    value. Inside a `StateScope` (used by `stateless_call` and the compiled
    training step), reads and writes go through the scope instead.

    Args:
        initializer: the initial value (an array-like), or a callable taking
            `(shape, dtype)` and returning one.
        shape: the shape, required when `initializer` is a callable.
        dtype: the dtype; defaults to the value's or `config.floatx()`.
        trainable: whether gradients update this variable in training.
        name: a short name; the path is `name` under the active name scopes.

    Example:

    >>> v = ember.Variable([1.0, 2.0], name="w")
    >>> v.assign(v * 2)
    >>> v.numpy()
    array([2., 4.], dtype=float32)
    """

    def __init__(
        self,
        initializer: Any,
        shape: tuple | None = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        aggregation: str = "none",
        synchronization: str = "auto",
        name: str | None = None,
    ):
        name = name or naming.uniquify("variable")
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string without '/'. "
                f"Received: name={name!r}"
            )
        self.name = name
        self.path = naming.current_path(name)
        self.trainable = bool(trainable)
        self.autocast = autocast
        self.aggregation = aggregation
        self.synchronization = synchronization
        # Initial values are computed eagerly even when a layer is first built
        # inside a trace (e.g. a subclassed model called on symbolic inputs).
        with jax.ensure_compile_time_eval():
            if callable(initializer):
                if shape is None:
                    raise ValueError(
                        f"Variable {self.path!r}: `shape` is required when "
                        "`initializer` is a callable."
                    )
                dtype = standardize_dtype(dtype)
                shape = check_variable_shape(self.path, shape, _itemsize(dtype))
                value = initializer(shape, dtype=dtype)
            else:
                value = initializer
                if dtype is None and not hasattr(value, "dtype"):
                    value = np.asarray(value)
                    if value.dtype.kind == "f":
                        dtype = standardize_dtype(None)
                if dtype is None:
                    # int64 / float64 data without x64 mode become 32-bit.
                    dtype = jax.dtypes.canonicalize_dtype(value.dtype)
                dtype = standardize_dtype(dtype)
            value = jnp.asarray(value, dtype=dtype)
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise ValueError(
                f"Variable {self.path!r}: initial value has shape "
                f"{tuple(value.shape)}, expected {tuple(shape)}."
            )
        self._value = value
        self._dtype = dtype
        self._shape = tuple(value.shape)

    # -- value -----------------------------------------------------------
    @property
    def value(self) -> jax.Array:
        """The current value (the active state scope's, if it holds one).

        Inside a layer's call under a mixed dtype policy (an
        `AutocastScope`), a float variable with `autocast=True` reads as
        its value cast to the compute dtype.
        """
        value = self._stored_value()
        if self.autocast:
            autocast = current_autocast_scope()
            if autocast is not None:
                return autocast.maybe_cast(value)
        return value

    def _stored_value(self) -> jax.Array:
        """The value in the variable's own dtype (never autocast)."""
        scope = current_scope()
        if scope is not None:
            scoped = scope.lookup(self)
            if scoped is not None:
                return scoped
        return self._value

    def assign(self, value: Any) -> None:
        """Sets a new value of the same shape (cast to the variable's dtype)."""
        scope = current_scope()
        if (
            scope is None
            and isinstance(value, jax.Array)
            and not isinstance(value, jax.core.Tracer)
            and value.shape == self._shape
            and value.dtype == self._dtype
        ):
            # The trainer's write-back after each compiled chunk: a pointer
            # swap, with no conversion.
            self._value = value
            return
        value = self._convert(value)
        if scope is not None:
            scope.assign(self, value)
            return
        if isinstance(value, jax.core.Tracer):
            raise ValueError(
                f"Variable {self.path!r} was assigned a traced value outside "
                "of a state scope. Inside jax.jit or jax.grad, use "
                "`stateless_call` and return the new values instead."
            )
        self._value = value

    def assign_add(self, value: Any) -> None:
        """Adds `value` to the variable."""
        self.assign(self._stored_value() + self._convert(value))

    def assign_sub(self, value: Any) -> None:
        """Subtracts `value` from the variable."""
        self.assign(self._stored_value() - self._convert(value))

    def _convert(self, value: Any) -> jax.Array:
        if isinstance(value, Variable):
            value = value.value
        value = jnp.asarray(value, dtype=self._dtype)
        if tuple(value.shape) != self._shape:
            raise ValueError(
                f"Variable {self.path!r} has shape {self._shape}; cannot "
                f"assign a value of shape {tuple(value.shape)}."
            )
        return value

    # -- metadata ------------------------------------------------------------
    @property
    def dtype(self) -> str:
        """The dtype name, e.g. `"float32"` (the compute dtype when read
        inside an autocasting layer's call, as in Keras)."""
        if self.autocast and "float" in self._dtype:
            autocast = current_autocast_scope()
            if autocast is not None and autocast.dtype is not None:
                return autocast.dtype
        return self._dtype

    @property
    def shape(self) -> tuple:
        """The shape, a tuple of ints."""
        return self._shape

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return len(self._shape)

    @property
    def size(self) -> int:
        """The number of elements."""
        return int(np.prod(self._shape, dtype=np.int64))

    def numpy(self) -> np.ndarray:
        """Returns the value as a numpy array."""
        return to_numpy(self.value)

    def __array__(self, dtype=None, copy=None):
        array = to_numpy(self.value)
        return array if dtype is None else array.astype(dtype)

    def __jax_array__(self):
        return self.value

    def __repr__(self) -> str:
        return (
            f"<Variable path={self.path}, shape={self._shape}, "
            f"dtype={self._dtype}, value={np.asarray(self._value)}>"
        )

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self) -> bool:
        return bool(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __len__(self) -> int:
        return self._shape[0]

    def __getitem__(self, index):
        return self.value[index]

    # -- arithmetic on the value -------------------------------------------
    def __neg__(self):
        return -self.value

    def __pos__(self):
        return self.value

    def __abs__(self):
        return jnp.abs(self.value)

    def __invert__(self):
        return ~self.value


def _unwrap(x):
    return x.value if isinstance(x, Variable) else x


def _forward(name: str, reflected: bool = False):
    def method(self, other):
        if getattr(other, "_ember_symbolic", False):
            return NotImplemented
        fn = getattr(jnp, name)
        args = (_unwrap(other), self.value)
        if not reflected:
            args = args[::-1]
        if name != "matmul":
            args = promote_ranks(*args)
        return fn(*args)

    return method


for _dunder, _fn in [
    ("add", "add"),
    ("sub", "subtract"),
    ("mul", "multiply"),
    ("truediv", "true_divide"),
    ("floordiv", "floor_divide"),
    ("mod", "mod"),
    ("pow", "power"),
    ("matmul", "matmul"),
    ("and", "logical_and"),
    ("or", "logical_or"),
    ("xor", "logical_xor"),
]:
    setattr(Variable, f"__{_dunder}__", _forward(_fn))
    setattr(Variable, f"__r{_dunder}__", _forward(_fn, reflected=True))

for _dunder, _fn in [
    ("eq", "equal"),
    ("ne", "not_equal"),
    ("lt", "less"),
    ("le", "less_equal"),
    ("gt", "greater"),
    ("ge", "greater_equal"),
]:
    setattr(Variable, f"__{_dunder}__", _forward(_fn))
