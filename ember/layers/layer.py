"""Layer: the base class of every layer and model.

A layer holds variables: those `add_weight` made, and every `Variable`,
`SeedGenerator` and sublayer in its attributes (inside lists, tuples and
dicts too), in assignment order. It computes in `call`; `__call__` runs in
phases, a private method each: convert the inputs, check `input_spec`,
build, then trace (symbolic inputs: a graph node is recorded) or call, with
`training` resolved and masks propagated (`mask_propagation`).

Losses a call adds are kept on the layer until its next outermost call;
inside a state scope (`stateless_call`) they are recorded in the scope and
never stored on the layer.
"""

import contextvars
import inspect
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember import constraints
from ember import dtype_policies
from ember import initializers
from ember import regularizers
from ember.core import naming
from ember.core.autocast_scope import scope_for
from ember.core.checks import check_constructor_arguments
from ember.core.dtypes import is_float
from ember.core.dtypes import standardize_dtype
from ember.core.seed import SeedGenerator
from ember.core.state_scope import StateScope
from ember.core.state_scope import current_scope
from ember.core.symbolic import Node
from ember.core.symbolic import Operation
from ember.core.symbolic import SymbolicTensor
from ember.core.symbolic import any_symbolic
from ember.core.symbolic import compute_output_spec
from ember.core.symbolic import flatten
from ember.core.symbolic import is_symbolic
from ember.core.symbolic import map_structure
from ember.core.variable import Variable
from ember.distribution import distribute_tensor
from ember.distribution import distribution
from ember.layers import mask_propagation as masks
from ember.layers._config import batch_input_shape
from ember.layers._config import capture_config
from ember.layers.input_spec import check_input_compatibility

# The `training` flag of the outermost call, inherited by nested calls that
# were not given one explicitly.
_TRAINING = contextvars.ContextVar("ember_training", default=None)
_IN_CALL = contextvars.ContextVar("ember_in_call", default=False)
_NOT_CONVERTED = ("training", "mask")
# Attributes holding bookkeeping, never sublayers or variables to report.
_UNTRACKED = frozenset(
    {
        "_inbound_nodes",
        "_outbound_nodes",
        "_trainable_variables",
        "_non_trainable_variables",
        "_auto_config",
        "_losses",
        "_build_shapes_dict",
        "input_spec",
    }
)


def _convert_leaf(x, compute_dtype: str, autocast: bool):
    if isinstance(x, np.ndarray | np.generic):
        if x.dtype.kind in "OSU":
            return x  # text, for the layers that run on the host
        x = jnp.asarray(x)
    if (
        autocast
        and isinstance(x, jax.Array)
        and jnp.issubdtype(x.dtype, jnp.floating)
        and x.dtype != compute_dtype
    ):
        x = x.astype(compute_dtype)
    return x


def _shape_of(x) -> Any:
    """The shape (tuple) of each array or symbolic tensor in a structure."""
    if isinstance(x, list | tuple):
        return type(x)(_shape_of(v) for v in x)
    if isinstance(x, dict):
        return {k: _shape_of(v) for k, v in x.items()}
    if hasattr(x, "shape"):
        return tuple(x.shape)
    return x


def _is_shape(x) -> bool:
    return isinstance(x, tuple | list) and all(
        d is None or isinstance(d, int) for d in x
    )


def _unique(variables) -> list[Variable]:
    result, seen = [], set()
    for v in variables:
        if id(v) not in seen:
            seen.add(id(v))
            result.append(v)
    return result


class Layer(Operation):
    """The base class of all layers: a callable holding state (variables).

    Subclasses create variables in `build(input_shape)` (called once, on the
    first call, with the input's shape) and compute in `call(inputs)`. Layers
    called on symbolic tensors (from `ember.Input`) return symbolic tensors,
    which is how functional models are built.

    Args:
        trainable: whether the layer's variables are updated in training.
        name: the layer's name; unique automatic names when None.
        dtype: the dtype policy: a `DTypePolicy`, its name (a dtype such
            as `"float32"`, or `"mixed_float16"` / `"mixed_bfloat16"`) or
            its config; default the global policy
            (`ember.config.dtype_policy()`).
        input_shape: for the first layer of a `Sequential`: the shape of
            one sample. `input_dim` and `batch_size` work as in Keras.

    Example:

    >>> class Scale(ember.layers.Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],),
    ...                                  initializer="ones")
    ...     def call(self, inputs):
    ...         return inputs * self.w
    """

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        # The checks every config value passes when loading also serve
        # arguments given in code: `BatchNormalization(momentum="x")`
        # fails here, with the message a file would get.
        check_constructor_arguments(cls, args, kwargs)
        instance._auto_config = capture_config(cls, args, kwargs)
        return instance

    def __init__(
        self,
        *,
        activity_regularizer: Any = None,
        trainable: bool = True,
        dtype: Any = None,
        autocast: bool = True,
        name: str | None = None,
        **kwargs,
    ):
        allowed = {
            "input_shape",
            "input_dim",
            "batch_input_shape",
            "batch_size",
            "weights",
            "input_dtype",
        }
        unknown = set(kwargs) - allowed
        if unknown:
            raise ValueError(
                f"Unrecognized keyword arguments passed to "
                f"{type(self).__name__}: {sorted(unknown)}"
            )
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(
                "Argument `name` must be a string without '/'. "
                f"Received: name={name!r}"
            )
        super().__init__(name=name)
        self._trainable = bool(trainable)
        self._set_dtype(dtype)
        self.autocast = autocast
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self.input_spec = None
        # As in Keras: defining `compute_mask` means supporting masks.
        overrides = type(self).compute_mask is not Layer.compute_mask
        self.supports_masking = overrides
        self._trainable_variables: list[Variable] = []
        self._non_trainable_variables: list[Variable] = []
        self._losses: list = []
        self._input_shape_arg = batch_input_shape(kwargs)
        self._initial_weights = kwargs.get("weights")
        self._call_signature = inspect.signature(self.call)
        params = self._call_signature.parameters
        self._call_has_training_arg = "training" in params
        self._call_has_mask_arg = "mask" in params

    def _set_dtype(self, dtype: Any) -> None:
        self._dtype_policy = dtype_policies.get(dtype)

    # -- dtypes --------------------------------------------------------------
    @property
    def dtype_policy(self) -> dtype_policies.DTypePolicy:
        """The layer's `DTypePolicy` (the global one when `dtype=None`)."""
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value: Any) -> None:
        self._dtype_policy = dtype_policies.get(value)

    @property
    def dtype(self) -> str:
        """The dtype of the layer's variables (alias of `variable_dtype`)."""
        return self._dtype_policy.variable_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype of the layer's variables."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        """The dtype the layer computes in (inputs are cast to it)."""
        return self._dtype_policy.compute_dtype

    @property
    def input_dtype(self) -> str:
        """The dtype float inputs are converted to."""
        return self.compute_dtype

    # -- weights -------------------------------------------------------------
    def add_weight(
        self,
        shape: tuple | None = None,
        initializer: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        aggregation: str = "none",
        overwrite_with_gradient: bool = False,
        name: str | None = None,
    ) -> Variable:
        """Creates a variable owned by this layer.

        Args:
            shape: the variable's shape (default `()`).
            initializer: an initializer object, name or callable; default
                `"glorot_uniform"` for floats, `"zeros"` otherwise.
            dtype: default the layer's variable dtype.
            trainable: whether training updates it.
            regularizer: an optional penalty on the value, added to the loss.
            constraint: an optional projection applied after each update.
            name: the variable's name (its path is `layer_name/name`).

        Returns:
            The new `Variable`.
        """
        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if is_float(dtype) else "zeros"
        initializer = initializers.get(initializer)
        with naming.name_scope(self.name):
            variable = Variable(
                initializer,
                shape=shape,
                dtype=dtype,
                trainable=trainable,
                autocast=autocast,
                aggregation=aggregation,
                name=name or naming.uniquify("variable"),
            )
        variable.regularizer = regularizer
        variable.constraint = constraints.get(constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        if trainable:
            # A frozen layer's new weights are frozen too, until it thaws.
            variable.trainable = self.trainable
            self._trainable_variables.append(variable)
        else:
            self._non_trainable_variables.append(variable)
        return variable

    def add_variable(
        self,
        shape,
        initializer,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        name=None,
    ) -> Variable:
        """Alias of `add_weight` with the initializer required."""
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=trainable,
            autocast=autocast,
            regularizer=regularizer,
            constraint=constraint,
            name=name,
        )

    @property
    def weights(self) -> list[Variable]:
        """All weights: this layer's own, then its sublayers' (no seeds)."""
        return self._collect(self._own_weights(), "weights")

    @property
    def variables(self) -> list[Variable]:
        """All variables: weights plus seed generator states."""
        return self._collect(self._own_variables(), "variables")

    @property
    def trainable_weights(self) -> list[Variable]:
        """The weights updated by training."""
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        """The weights training leaves alone."""
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def trainable_variables(self) -> list[Variable]:
        """The variables updated by training."""
        if not self.trainable:
            return []
        return [v for v in self.variables if v.trainable]

    @property
    def non_trainable_variables(self) -> list[Variable]:
        """Every variable that is not trainable, seed states included."""
        if not self.trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    @property
    def trainable(self) -> bool:
        """Whether training updates this layer (setting it recurses)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for variable in self._trainable_variables:
            variable.trainable = value
        for layer in self._layers:
            layer.trainable = value

    def get_weights(self) -> list[np.ndarray]:
        """Returns the weights' values as numpy arrays."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights: list) -> None:
        """Sets the weights from a list of arrays, in `weights` order."""
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(
                f'Layer "{self.name}" expects {len(variables)} weights, but '
                f"set_weights received {len(weights)}."
            )
        for variable, value in zip(variables, weights, strict=True):
            if tuple(np.shape(value)) != variable.shape:
                raise ValueError(
                    f'Layer "{self.name}": weight {variable.path!r} has shape '
                    f"{variable.shape}, received a value of shape "
                    f"{tuple(np.shape(value))}."
                )
        for variable, value in zip(variables, weights, strict=True):
            variable.assign(value)

    def save_own_variables(self, store: dict) -> None:
        """Writes the layer's own variables (not its sublayers') to `store`.

        Saving a model (`.keras`, `.weights.h5`) calls this on every layer
        with an empty dict-like `store`, and writes what it holds under
        the layer's path. The base class stores its variables under
        `"0"`, `"1"`, ... (trainable first). Override it to save more
        (any array under any key) or differently, as in Keras.

        Args:
            store: the dict-like to fill with `key -> array or Variable`.

        Example:

        >>> class WithTable(ember.layers.Layer):
        ...     def save_own_variables(self, store):
        ...         super().save_own_variables(store)
        ...         store["table"] = self.table
        """
        for i, variable in enumerate(self._saved_variables()):
            store[str(i)] = variable

    def load_own_variables(self, store: dict) -> None:
        """Assigns the layer's own variables from `store`, as written by
        `save_own_variables` (keys `"0"`, `"1"`, ...).

        Every entry is checked (count, then shapes) before any variable
        changes. Override it, together with `save_own_variables`, to load
        what an override saved.

        Args:
            store: a dict-like mapping keys to arrays.
        """
        variables = self._saved_variables()
        keys = list(store.keys())
        if len(keys) != len(variables):
            raise ValueError(
                f"Layer '{self.name}' expected {len(variables)} variables, "
                f"but received {len(keys)} variables during loading. "
                f"Expected: {[v.name for v in variables]}"
            )
        values = []
        for i, variable in enumerate(variables):
            if str(i) not in store:
                raise ValueError(
                    f"Layer '{self.name}': no entry '{i}' for variable "
                    f"'{variable.path}' among the loaded keys {sorted(keys)}."
                )
            value = np.asarray(store[str(i)])
            if value.shape != tuple(variable.shape):
                raise ValueError(
                    f"Layer '{self.name}': variable {i} '{variable.path}' has "
                    f"shape {tuple(variable.shape)}, but the loaded value has "
                    f"shape {value.shape}."
                )
            values.append(value)
        for variable, value in zip(variables, values, strict=True):
            variable.assign(value)

    def count_params(self) -> int:
        """Returns the number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f'Layer "{self.name}" is not built yet, so it has no weights '
                "to count. Call it on data or call `build(input_shape)` first."
            )
        return int(sum(v.size for v in self.weights))

    # -- tracking ------------------------------------------------------------
    def _tracked_objects(self, kind: type) -> list:
        """Objects of `kind` held in the layer's attributes, each once."""
        found: list = []
        seen: set[int] = set()

        def visit(value):
            if isinstance(value, kind):
                if id(value) not in seen:
                    seen.add(id(value))
                    found.append(value)
            elif isinstance(value, list | tuple):
                for item in value:
                    visit(item)
            elif isinstance(value, dict):
                for item in value.values():
                    visit(item)

        for key, value in vars(self).items():
            if key not in _UNTRACKED:
                visit(value)
        return found

    @property
    def _layers(self) -> list["Layer"]:
        """Direct sublayers, in the order they were assigned."""
        return [
            layer for layer in self._tracked_objects(Layer) if layer is not self
        ]

    def _flatten_layers(self) -> list["Layer"]:
        """All nested sublayers, depth first, each once."""
        found, seen = [], {id(self)}
        stack = list(reversed(self._layers))
        while stack:
            sublayer = stack.pop()
            if id(sublayer) in seen:
                continue
            seen.add(id(sublayer))
            found.append(sublayer)
            stack.extend(reversed(sublayer._layers))
        return found

    def _own_weights(self) -> list[Variable]:
        """Variables made by `add_weight`, then any other held `Variable`."""
        own = self._trainable_variables + self._non_trainable_variables
        return _unique(own + self._tracked_objects(Variable))

    def _own_variables(self) -> list[Variable]:
        """`_own_weights`, then the states of held seed generators."""
        seeds = [g.state for g in self._tracked_objects(SeedGenerator)]
        return self._own_weights() + seeds

    def _saved_variables(self) -> list[Variable]:
        """`_own_weights` in the order a weights file stores them: trainable
        first, then non-trainable (Keras keeps the two in separate lists)."""
        owned = self._own_weights()
        non_trainable = {id(v) for v in self._non_trainable_variables}
        trainable = {id(v) for v in self._trainable_variables}
        first = [
            v
            for v in owned
            if id(v) in trainable
            or (id(v) not in non_trainable and v.trainable)
        ]
        first_ids = {id(v) for v in first}
        return first + [v for v in owned if id(v) not in first_ids]

    def _collect(self, own: list, child_attribute: str) -> list[Variable]:
        """`own`, then each sublayer's `child_attribute`, each once."""
        candidates = list(own)
        for sublayer in self._layers:
            candidates.extend(getattr(sublayer, child_attribute))
        return _unique(candidates)

    # -- building ------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Creates the layer's variables; called once before the first call.

        Args:
            input_shape: the shape of the first input (a tuple), or a
                structure of shapes for structured inputs.
        """
        self.built = True

    def _build_shapes(self, args: tuple, kwargs: dict) -> Any:
        """What `build` receives: the first input's shape, or one per
        argument: a `build` whose parameters are named `<arg>_shape` after
        `call`'s arguments gets a dict of those shapes."""
        params = list(inspect.signature(self.build).parameters)
        call_params = [
            p
            for p in self._call_signature.parameters
            if p not in _NOT_CONVERTED
        ]
        named = dict(zip(call_params, args, strict=False))
        named.update({k: v for k, v in kwargs.items() if k in call_params})
        if len(params) > 1 and all(p.endswith("_shape") for p in params):
            return {
                p: _shape_of(named.get(p[: -len("_shape")])) for p in params
            }
        first = args[0] if args else next(iter(named.values()), None)
        return _shape_of(first)

    def _build_on_call(self, args, kwargs) -> None:
        shapes = self._build_shapes(args, kwargs)
        if isinstance(shapes, dict):
            self.build(**shapes)
            self._build_shapes_dict = shapes
        else:
            self.build(shapes)
            self._build_shapes_dict = {"input_shape": shapes}
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    # -- calling ---------------------------------------------------------------
    def call(self, *args, **kwargs):
        """The layer's computation; subclasses override it."""
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not implement `call()`."
        )

    def __call__(self, *args, **kwargs):
        args, kwargs = self._convert_inputs(args, kwargs)
        inputs = args[0] if args else next(iter(kwargs.values()), None)
        self._check_inputs(inputs)
        if not self.built:
            self._build_on_call(args, kwargs)
            self._check_inputs(inputs)
        if any_symbolic((args, kwargs)):
            return self.symbolic_call(*args, **kwargs)
        if not _IN_CALL.get():
            self._clear_losses()
        return self._call_in_context(args, kwargs)

    def _check_inputs(self, inputs: Any) -> None:
        """Raises a ValueError naming the layer if `inputs` do not match its
        `input_spec`."""
        check_input_compatibility(self.input_spec, inputs, self)

    def _convert_inputs(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        """Turns numpy inputs into jax arrays in the layer's compute dtype."""
        compute = standardize_dtype(self.compute_dtype)
        autocast = self.autocast and "float" in compute

        def convert(x):
            return _convert_leaf(x, compute, autocast)

        converted_args = tuple(map_structure(convert, a) for a in args)
        converted_kwargs = {
            k: v if k in _NOT_CONVERTED else map_structure(convert, v)
            for k, v in kwargs.items()
        }
        masks.carry_masks((args, kwargs), (converted_args, converted_kwargs))
        return converted_args, converted_kwargs

    def _call_in_context(self, args: tuple, kwargs: dict) -> Any:
        """Runs `call` with `training` resolved and the name scope set.

        Masks propagate as in Keras (see `mask_propagation`): the inputs'
        masks fill the `mask` argument, and the outputs' masks are recorded
        for the next layer. The outermost call opens the mask table; its own
        outputs' masks would have no reader, so they are not computed.
        """
        with masks.scope() as nested:
            if not nested:
                return self._call_with_training(args, kwargs)
            kwargs, previous_mask = masks.populate(self, args, kwargs)
            outputs = self._call_with_training(args, kwargs)
            inputs = masks.first_argument(self, args, kwargs)
            masks.set_output_masks(self, inputs, outputs, previous_mask)
            return outputs

    def _resolve_training(self, kwargs: dict) -> Any:
        """Explicit argument, else the enclosing call's, else call's default."""
        training = kwargs.get("training")
        if training is None:
            training = _TRAINING.get()
        if training is None and self._call_has_training_arg:
            default = self._call_signature.parameters["training"].default
            if default is not inspect.Parameter.empty:
                training = default
        return training

    def _call_with_training(self, args: tuple, kwargs: dict) -> Any:
        training = self._resolve_training(kwargs)
        kwargs = dict(kwargs)
        if self._call_has_training_arg and training is not None:
            kwargs["training"] = training
        elif not self._call_has_training_arg:
            kwargs.pop("training", None)
        if not self._call_has_mask_arg:
            kwargs.pop("mask", None)
        token = _TRAINING.set(training)
        in_call_token = _IN_CALL.set(True)
        try:
            # jax's name scope tags the traced equations with the layer (what
            # ONNX export names in its errors).
            with naming.name_scope(self.name), jax.named_scope(self.name):
                autocast = scope_for(
                    self.compute_dtype, self.variable_dtype, self.autocast
                )
                if autocast is None:
                    outputs = self.call(*args, **kwargs)
                else:
                    with autocast:
                        outputs = self.call(*args, **kwargs)
        finally:
            _IN_CALL.reset(in_call_token)
            _TRAINING.reset(token)
        if self.activity_regularizer is not None:
            self._add_activity_losses(outputs)
        return self._laid_out(outputs)

    def _laid_out(self, outputs: Any) -> Any:
        """`outputs` relaid out as the distribution's layout map says for
        `"{layer name}/output"` (Keras' key for an intermediate tensor)."""
        current = distribution()
        if current is None:
            return outputs
        layout = current.get_tensor_layout(f"{self.name}/output")
        if layout is None:
            return outputs
        return map_structure(
            lambda x: (
                distribute_tensor(x, layout) if isinstance(x, jax.Array) else x
            ),
            outputs,
        )

    def symbolic_call(self, *args, **kwargs):
        """Computes symbolic outputs by tracing `call`, recording a node.

        The inputs' mask specs go into the same trace, which also returns the
        outputs' mask specs; they are attached to the symbolic outputs.
        """
        leaves = flatten((args, kwargs))
        positions = [i for i, x in enumerate(leaves) if is_symbolic(x)]
        input_masks = [leaves[i]._keras_mask for i in positions]

        def run(a, k, given):
            with masks.scope():
                traced = flatten((a, k))
                for i, mask in zip(positions, given, strict=True):
                    masks.set_mask(traced[i], mask)
                outputs = self._call_in_context(a, k)
                found = [masks.get_mask(x) for x in flatten(outputs)]
            return outputs, found

        outputs, output_masks = compute_output_spec(
            run, args, kwargs, input_masks
        )
        for tensor, mask in zip(flatten(outputs), output_masks, strict=True):
            if is_symbolic(tensor):
                tensor._keras_mask = mask
        Node(self, args, kwargs, outputs)
        return outputs

    def _trace_call(self, args: tuple, kwargs: dict) -> Any:
        """Symbolic outputs for symbolic inputs, by tracing the call."""

        def run(*a, **k):
            return self._call_in_context(a, k)

        return compute_output_spec(run, *args, **kwargs)

    def compute_output_spec(self, *args, **kwargs):
        """Returns symbolic outputs for symbolic inputs, by tracing `call`."""
        return self._trace_call(args, kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Returns the output shape for an input shape, by tracing `call`."""

        def to_symbolic(shape):
            if _is_shape(shape):
                return SymbolicTensor(shape, dtype=self.compute_dtype)
            if isinstance(shape, dict):
                return {k: to_symbolic(v) for k, v in shape.items()}
            return type(shape)(to_symbolic(s) for s in shape)

        inputs = to_symbolic(input_shape)
        if not self.built:
            self._build_on_call((inputs,), {})
        outputs = self._trace_call((inputs,), {})
        return map_structure(
            lambda t: t.shape if is_symbolic(t) else t, outputs
        )

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """Returns the mask of the outputs, given the inputs and their mask.

        Called after each call inside a model when `supports_masking` is
        True; the default passes the input mask on unchanged.

        Args:
            inputs: the call's first argument.
            mask: the input mask (a structure like `inputs`), or None.
        """
        return mask

    def stateless_call(
        self,
        trainable_variables: list,
        non_trainable_variables: list,
        *args,
        return_losses: bool = False,
        **kwargs,
    ):
        """Calls the layer as a pure function of the given variable values.

        Works under `jax.jit` and `jax.grad`; the layer's variables are not
        changed.

        Args:
            trainable_variables: values in `layer.trainable_variables` order.
            non_trainable_variables: values in
                `layer.non_trainable_variables` order.
            *args: the call's arguments.
            return_losses: also return the losses added during the call.
            **kwargs: the call's keyword arguments (e.g. `training=True`).

        Returns:
            `(outputs, non_trainable_variables)` with the updated values of
            the non-trainable variables (e.g. moving statistics, seeds).

        Example:

        >>> model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(2)])
        >>> x = np.ones((4, 3), "float32")
        >>> outputs, non_trainable = model.stateless_call(
        ...     [v.value for v in model.trainable_variables],
        ...     [v.value for v in model.non_trainable_variables], x)
        """
        if not self.built:
            raise ValueError(
                f'Layer "{self.name}" must be built before `stateless_call`: '
                "call it once on data or call `build(input_shape)`."
            )
        trainable = self.trainable_variables
        non_trainable = self.non_trainable_variables
        for label, given, expected in (
            ("trainable_variables", trainable_variables, trainable),
            ("non_trainable_variables", non_trainable_variables, non_trainable),
        ):
            if len(given) != len(expected):
                raise ValueError(
                    f'Layer "{self.name}" has {len(expected)} {label}, but '
                    f"stateless_call received {len(given)}."
                )
        mapping = list(zip(trainable, trainable_variables, strict=True))
        mapping += zip(non_trainable, non_trainable_variables, strict=True)
        with StateScope(mapping) as scope:
            outputs = self._call_in_context(args, kwargs)
            losses = self.losses if return_losses else []
        new_non_trainable = [scope.get(v) for v in non_trainable]
        if return_losses:
            return outputs, new_non_trainable, losses
        return outputs, new_non_trainable

    # -- losses ------------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Adds a scalar loss from inside `call` (e.g. an activity penalty).

        Losses are collected in `layer.losses` and added to the training
        loss. Inside pure code (`stateless_call`) they are recorded in the
        state scope, never stored on the layer.
        """
        scope = current_scope()
        if scope is not None:
            scope.add_loss(self, loss)
        else:
            self._losses.append(loss)

    @property
    def losses(self) -> list:
        """Losses added in the last call, plus the weight penalties.

        Weight penalties (`kernel_regularizer` and the like) are computed
        from the current values, so inside `stateless_call` they are
        differentiable functions of the values passed in.
        """
        losses = []
        for layer in [self, *self._flatten_layers()]:
            scope = current_scope()
            if scope is not None:
                losses.extend(scope.losses_of(layer))
            else:
                losses.extend(layer._losses)
        for variable in self.trainable_weights:
            regularizer = getattr(variable, "regularizer", None)
            if regularizer is not None:
                losses.append(regularizer(variable.value))
        return losses

    def _add_activity_losses(self, outputs: Any) -> None:
        """Adds the activity penalty of each output, per sample, as Keras."""
        for output in jax.tree_util.tree_leaves(outputs):
            if not hasattr(output, "ndim"):
                continue
            loss = self.activity_regularizer(output)
            if output.ndim > 0:
                loss = loss / output.shape[0]
            self.add_loss(loss)

    def _clear_losses(self) -> None:
        """Forgets the losses added by this layer and its sublayers."""
        for layer in [self, *self._flatten_layers()]:
            layer._losses.clear()

    # -- graph -------------------------------------------------------------
    def _single_node(self, attribute: str):
        if not self._inbound_nodes:
            raise AttributeError(
                f'Layer "{self.name}" has never been called on symbolic '
                f"inputs, so it has no `{attribute}`."
            )
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f'Layer "{self.name}" has been called several times, so its '
                f"`{attribute}` is ambiguous."
            )
        return self._inbound_nodes[0]

    @property
    def input(self):
        """The symbolic input of the layer's only call."""
        node = self._single_node("input")
        tensors = node.input_tensors
        return tensors[0] if len(tensors) == 1 else tensors

    @property
    def output(self):
        """The symbolic output of the layer's only call."""
        return self._single_node("output").outputs

    # -- config ------------------------------------------------------------
    def get_config(self) -> dict:
        """Returns the arguments that rebuild this layer with `from_config`."""
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": dtype_policies.serialize(self._dtype_policy),
        }
        overridden = type(self).get_config is not Layer.get_config
        if not overridden and self._auto_config:
            config.update(self._auto_config)
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        """Creates a layer from the dict `get_config` returned."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
