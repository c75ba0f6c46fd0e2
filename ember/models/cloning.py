"""`clone_model`: a copy of a model's architecture with fresh weights.

A Sequential clone is a new stack of cloned layers; a functional clone is
made by replaying the model's recorded calls on new inputs, each layer
replaced by its clone (one clone per layer, so shared layers stay shared);
any other model goes through its config.
"""

import inspect
from collections.abc import Callable
from typing import Any

from ember.core.symbolic import SymbolicTensor
from ember.core.symbolic import flatten
from ember.core.symbolic import is_symbolic
from ember.core.symbolic import map_structure
from ember.layers.core.input_layer import Input
from ember.layers.core.input_layer import InputLayer
from ember.layers.layer import Layer
from ember.models.functional import Functional
from ember.models.sequential import Sequential
from ember.saving.serialization_lib import deserialize_keras_object
from ember.saving.serialization_lib import serialize_keras_object


def clone_model(
    model: Any,
    input_tensors: Any = None,
    clone_function: Callable[[Layer], Layer] | None = None,
    call_function: Callable[..., Any] | None = None,
    recursive: bool = False,
    **kwargs,
) -> Any:
    """Returns a new model with the architecture of `model` and new weights.

    The clone is like calling the model on new inputs, except that every
    layer is replaced by a new layer, so no weight is shared with the
    original. Copy the weights over with
    `clone.set_weights(model.get_weights())` when needed. A compiled model
    gives a clone compiled with the same configuration (and a new
    optimizer).

    Sequential models give a Sequential model; functional models give a
    functional model of the same class when its constructor takes
    `(inputs, outputs)`, else an `ember.Model`. Any other (subclassed) model
    is rebuilt from its config, `model.__class__.from_config(
    model.get_config())`; `clone_function` and `input_tensors` are then not
    accepted.

    Args:
        model: the `Model` to clone.
        input_tensors: optional symbolic tensors (from `ember.Input` or
            layers) to build the clone on, in the structure of
            `model.input` (a single tensor for a Sequential model). By
            default new inputs of the same shapes, dtypes and names are made.
        clone_function: callable `fn(layer) -> layer` that makes the layer
            to use in the clone in place of each layer of the model (input
            layers excepted). Defaults to
            `lambda layer: layer.__class__.from_config(layer.get_config())`.
            It may also return the layer itself, to share it.
        call_function: callable `fn(layer, *args, **kwargs)` used, for
            functional models only, in place of each call
            `layer(*args, **kwargs)` while the graph is replayed; it may add
            layers around the call. Defaults to calling the layer.
        recursive: whether nested Sequential and functional models are cloned
            layer by layer with `clone_function` (and `call_function`)
            rather than passed to `clone_function` as a whole.
        **kwargs: no other argument is accepted.

    Returns:
        The cloned model.

    Example:

    >>> model = ember.Sequential([
    ...     ember.Input(shape=(4,)),
    ...     ember.layers.Dense(8, activation="relu"),
    ...     ember.layers.Dense(1),
    ... ])
    >>> clone = ember.models.clone_model(model)
    >>> clone.set_weights(model.get_weights())

    A `clone_function` that changes the layers on the way:

    >>> def no_activation(layer):
    ...     config = layer.get_config()
    ...     if "activation" in config:
    ...         config["activation"] = "linear"
    ...     return layer.__class__.from_config(config)
    >>> linear = ember.models.clone_model(model, clone_function=no_activation)
    """
    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(
            f"clone_model got unexpected keyword argument(s): {tuple(kwargs)}"
        )
    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError(
                "`call_function` is only supported for functional models; "
                f'"{model.name}" is a Sequential model. Received: '
                f"call_function={call_function!r}"
            )
        clone = _clone_sequential(
            model,
            _layer_cloner(clone_function, None, recursive, cache),
            input_tensors,
        )
        return _copy_compile(model, clone)
    if isinstance(model, Functional):
        default_config = type(model).get_config is Functional.get_config
        if default_config or clone_function or input_tensors is not None:
            clone = _clone_functional(
                model,
                _layer_cloner(clone_function, call_function, recursive, cache),
                input_tensors,
                call_function,
            )
            return _copy_compile(model, clone)
    if clone_function is not None or input_tensors is not None:
        raise ValueError(
            "`clone_function` and `input_tensors` are only supported for "
            f'Sequential and functional models; "{model.name}" is a '
            f"{type(model).__name__}. Received: clone_function="
            f"{clone_function!r}, input_tensors={input_tensors!r}"
        )
    if call_function is not None:
        raise ValueError(
            "`call_function` is only supported for functional models; "
            f'"{model.name}" is a {type(model).__name__}. Received: '
            f"call_function={call_function!r}"
        )
    config = serialize_keras_object(model)
    return deserialize_keras_object(
        config, custom_objects={type(model).__name__: type(model)}
    )


def _default_clone(layer: Layer) -> Layer:
    return layer.__class__.from_config(layer.get_config())


def _layer_cloner(
    clone_function: Callable[[Layer], Layer] | None,
    call_function: Callable[..., Any] | None,
    recursive: bool,
    cache: dict | None,
) -> Callable[[Layer], Layer]:
    """`clone_function` made to clone each layer once (shared layers stay
    shared), recursing into nested models when `recursive`."""
    clone_function = clone_function or _default_clone
    if not callable(clone_function):
        raise ValueError(
            "`clone_function` must be callable. Received: "
            f"clone_function={clone_function!r}"
        )
    cache = {} if cache is None else cache

    def clone_layer(layer: Layer) -> Layer:
        if id(layer) in cache:
            return cache[id(layer)]
        if recursive and isinstance(layer, Sequential | Functional):
            clone = clone_model(
                layer,
                clone_function=clone_function,
                call_function=(
                    None if isinstance(layer, Sequential) else call_function
                ),
                recursive=True,
                cache=cache,
            )
        else:
            clone = clone_function(layer)
        cache[id(layer)] = clone
        return clone

    return clone_layer


def _clone_sequential(
    model: Sequential,
    clone_layer: Callable[[Layer], Layer],
    input_tensors: Any,
) -> Sequential:
    layers = [clone_layer(layer) for layer in model.layers]
    first = model._stack[0] if model._stack else None
    reference = first if isinstance(first, InputLayer) else None
    if input_tensors is not None:
        if isinstance(input_tensors, list | tuple):
            if len(input_tensors) != 1:
                raise ValueError(
                    "`input_tensors` of a Sequential model must be a single "
                    f"tensor. Received {len(input_tensors)} tensors."
                )
            input_tensors = input_tensors[0]
        if not isinstance(input_tensors, SymbolicTensor):
            raise ValueError(
                "`input_tensors` must be a symbolic tensor (e.g. from "
                f"ember.Input). Received: input_tensors={input_tensors!r}"
            )
        layers.insert(
            0,
            InputLayer(
                batch_shape=input_tensors.shape,
                dtype=input_tensors.dtype,
                name=reference.name if reference is not None else None,
                optional=reference.optional if reference is not None else False,
            ),
        )
    elif reference is not None:
        layers.insert(
            0,
            InputLayer(
                batch_shape=reference.batch_shape,
                dtype=reference.dtype,
                name=reference.name,
                optional=reference.optional,
            ),
        )
    return Sequential(layers, name=model.name, trainable=model.trainable)


def _same_structure(a: Any, b: Any) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        return (
            isinstance(a, dict)
            and isinstance(b, dict)
            and set(a) == set(b)
            and all(_same_structure(a[k], b[k]) for k in a)
        )
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return (
            isinstance(a, list | tuple)
            and isinstance(b, list | tuple)
            and len(a) == len(b)
            and all(_same_structure(x, y) for x, y in zip(a, b, strict=True))
        )
    return True


def _takes_inputs_outputs(cls: type) -> bool:
    """Whether `cls(inputs, outputs, name=...)` builds a functional model,
    i.e. its constructor has `Functional`'s arguments."""
    try:
        own = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return False
    return list(own) == list(inspect.signature(Functional.__init__).parameters)


def _clone_functional(
    model: Functional,
    clone_layer: Callable[[Layer], Layer],
    input_tensors: Any,
    call_function: Callable[..., Any] | None,
) -> Functional:
    if input_tensors is not None:
        if not all(is_symbolic(x) for x in flatten(input_tensors)):
            raise ValueError(
                "Every entry of `input_tensors` must be a symbolic tensor "
                "(e.g. from ember.Input). Received: "
                f"input_tensors={input_tensors!r}"
            )
        if not _same_structure(input_tensors, model.input):
            raise ValueError(
                "`input_tensors` must have the structure of `model.input`. "
                f"Expected: {model.input!r}. Received: {input_tensors!r}"
            )
    else:
        input_tensors = map_structure(
            lambda x: Input(batch_shape=x.shape, dtype=x.dtype, name=x.name),
            model.input,
        )
    new_inputs = model._flatten_inputs(input_tensors)
    values = {
        id(t): v for t, v in zip(model._input_tensors, new_inputs, strict=True)
    }

    def lookup(x):
        return values[id(x)] if is_symbolic(x) else x

    for node in model._nodes:
        if node.is_input:
            continue
        operation = node.operation
        if isinstance(operation, Layer):
            operation = clone_layer(operation)
        args = map_structure(lookup, list(node.call_args))
        kwargs = map_structure(lookup, node.call_kwargs)
        if call_function is not None:
            outputs = call_function(operation, *args, **kwargs)
        else:
            outputs = operation(*args, **kwargs)
        for tensor, value in zip(
            node.output_tensors, flatten(outputs), strict=True
        ):
            values[id(tensor)] = value
    outputs = map_structure(lookup, model.output)
    cls = type(model) if _takes_inputs_outputs(type(model)) else Functional
    return cls(input_tensors, outputs, name=model.name)


def _copy_compile(model: Any, clone: Any) -> Any:
    """Compiles `clone` as `model` is compiled (new optimizer and metrics)."""
    if getattr(model, "compiled", False):
        config = serialize_keras_object(model.get_compile_config())
        clone.compile_from_config(config)
    return clone
