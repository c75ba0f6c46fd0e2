"""Layer: the base class of every layer and model.

Its weight API (`add_weight`, `weights`, `trainable`, `set_weights`...)
comes from `_weights.WeightsMixin`.
"""

import inspect
from typing import Any

from ember import regularizers
from ember.core.symbolic import Operation
from ember.core.symbolic import any_symbolic
from ember.core.variable import Variable
from ember.layers import _call
from ember.layers import _losses
from ember.layers import _tracking
from ember.layers._config import batch_input_shape
from ember.layers._config import capture_config
from ember.layers._config import dtype_policy
from ember.layers._weights import WeightsMixin
from ember.layers.input_spec import check_input_compatibility


class Layer(WeightsMixin, Operation):
    """The base class of all layers: a callable holding state (variables).

    Subclasses create variables in `build(input_shape)` (called once, on the
    first call, with the input's shape) and compute in `call(inputs)`. Layers
    called on symbolic tensors (from `ember.Input`) return symbolic tensors,
    which is how functional models are built.

    Args:
        trainable: whether the layer's variables are updated in training.
        name: the layer's name; unique automatic names when None.
        dtype: the variables' dtype (default `config.floatx()`), or a mixed
            policy name such as `"mixed_float16"`.
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
        policy, variable_dtype, compute_dtype = dtype_policy(dtype)
        self._dtype_policy = policy
        self._variable_dtype = variable_dtype
        self._compute_dtype = compute_dtype

    # -- dtypes --------------------------------------------------------------
    @property
    def dtype(self) -> str:
        """The dtype of the layer's variables."""
        return self._variable_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype of the layer's variables."""
        return self._variable_dtype

    @property
    def compute_dtype(self) -> str:
        """The dtype the layer computes in (inputs are cast to it)."""
        return self._compute_dtype

    @property
    def dtype_policy(self) -> str:
        """The name of the dtype policy, e.g. `"float32"`."""
        return self._dtype_policy

    # -- building and sublayers ---------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Creates the layer's variables; called once before the first call.

        Args:
            input_shape: the shape of the first input (a tuple), or a
                structure of shapes for structured inputs.
        """
        self.built = True

    @property
    def _layers(self) -> list["Layer"]:
        """Direct sublayers, in the order they were assigned."""
        return [
            layer
            for layer in _tracking.tracked(self, Layer)
            if layer is not self
        ]

    def _flatten_layers(self) -> list["Layer"]:
        """All nested sublayers, depth first, each once."""
        return _tracking.flatten_layers(self)

    # -- calling ---------------------------------------------------------------
    def call(self, *args, **kwargs):
        """The layer's computation; subclasses override it."""
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not implement `call()`."
        )

    def __call__(self, *args, **kwargs):
        args, kwargs = _call.convert_inputs(self, args, kwargs)
        inputs = args[0] if args else next(iter(kwargs.values()), None)
        check_input_compatibility(self.input_spec, inputs, self)
        if not self.built:
            self._build_on_call(args, kwargs)
            check_input_compatibility(self.input_spec, inputs, self)
        if any_symbolic((args, kwargs)):
            return self.symbolic_call(*args, **kwargs)
        if not _call.in_call():
            _losses.clear_losses(self)
        return _call.call_in_context(self, args, kwargs)

    def symbolic_call(self, *args, **kwargs):
        """Computes symbolic outputs by tracing `call`, recording a node."""
        return _call.symbolic_call(self, args, kwargs)

    def _build_on_call(self, args, kwargs) -> None:
        shapes = _call.build_shapes(self, args, kwargs)
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

    def compute_output_spec(self, *args, **kwargs):
        """Returns symbolic outputs for symbolic inputs, by tracing `call`."""
        return _call.compute_spec(self, args, kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Returns the output shape for an input shape, by tracing `call`."""
        return _call.output_shape(self, input_shape)

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
        return _call.stateless_call(
            self,
            trainable_variables,
            non_trainable_variables,
            args,
            kwargs,
            return_losses,
        )

    # -- losses ------------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Adds a scalar loss from inside `call` (e.g. an activity penalty).

        Losses are collected in `layer.losses` and added to the training
        loss. Inside pure code (`stateless_call`) they are recorded in the
        state scope, never stored on the layer.
        """
        _losses.add_loss(self, loss)

    @property
    def losses(self) -> list:
        """Losses added in the last call, plus the weight penalties.

        Weight penalties (`kernel_regularizer` and the like) are computed
        from the current values, so inside `stateless_call` they are
        differentiable functions of the values passed in.
        """
        return _losses.collect_losses(self)

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
            "dtype": {
                "module": "keras",
                "class_name": "DTypePolicy",
                "config": {"name": self._dtype_policy},
                "registered_name": None,
            },
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
