"""Mask propagation: each tensor's mask travels with it from layer to layer.

Keras attaches a mask to the tensor a layer returns (`_keras_mask`) and the
next layer reads it back. A symbolic tensor carries its mask spec the same
way, as an attribute. A `jax.Array` or tracer cannot carry attributes, so
during a call masks live in a table keyed by the array's identity. The
outermost layer call opens the table (models, `stateless_call`, the trace
behind a symbolic call) and drops it when it returns, so a table never
outlives the arrays and tracers it names. Inside, every nested layer call:

- fills its `mask` argument (or `<name>_mask` for several tensor
  arguments) from its inputs' masks when the caller gave none;
- after the call, if the layer `supports_masking`, records
  `layer.compute_mask(inputs, previous_mask)` as the outputs' masks,
  unless the outputs already have masks (e.g. a nested model's outputs);
- warns when a layer that neither supports masking nor takes a `mask`
  argument receives a mask, since the mask stops there.

Masks are computed with plain array code, so the same path runs eagerly,
under `jax.jit`, in `stateless_call` and in `fit`.
"""

import contextlib
import contextvars
import warnings
from collections.abc import Iterator
from typing import Any

import jax

from ember.core.symbolic import flatten
from ember.core.symbolic import is_symbolic

# id(array) -> (array, mask) while the outermost layer call runs. Holding the
# array pins its id, so no other array can be mistaken for it meanwhile.
_TABLE: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "ember_masks", default=None
)


def _is_tensor(x: Any) -> bool:
    return is_symbolic(x) or isinstance(x, jax.Array)


def flatten_masks(masks: Any) -> list:
    """The leaves of a structure of masks, `None` entries kept in place."""
    return jax.tree_util.tree_leaves(
        masks, is_leaf=lambda x: x is None or is_symbolic(x)
    )


def active() -> bool:
    """Whether a mask table is open (a layer call is running)."""
    return _TABLE.get() is not None


def get_mask(x: Any) -> Any:
    """The mask attached to the tensor `x`, or None."""
    if is_symbolic(x):
        return x._keras_mask
    table = _TABLE.get()
    if not table:
        return None
    entry = table.get(id(x))
    if entry is None or entry[0] is not x:
        return None
    return entry[1]


def set_mask(x: Any, mask: Any) -> None:
    """Attaches `mask` to the tensor `x` (`None` removes it).

    Outside of any layer call an array's mask has nowhere to live, and is
    dropped, as the masks of a finished call are.
    """
    if is_symbolic(x):
        x._keras_mask = mask
        return
    table = _TABLE.get()
    if table is None or not isinstance(x, jax.Array):
        return
    if mask is None:
        table.pop(id(x), None)
    else:
        table[id(x)] = (x, mask)


@contextlib.contextmanager
def scope() -> Iterator[bool]:
    """Opens the mask table unless one is open; yields whether it is nested.

    Masks set inside stay readable until the outermost scope exits.
    """
    if _TABLE.get() is not None:
        yield True
        return
    token = _TABLE.set({})
    try:
        yield False
    finally:
        _TABLE.reset(token)


def carry_masks(before: Any, after: Any) -> None:
    """Copies masks onto the converted (e.g. cast) copies of tensors.

    `before` and `after` are the same structure before and after
    conversion.
    """
    if not _TABLE.get():
        return
    for old, new in zip(flatten(before), flatten(after), strict=True):
        if new is not old:
            mask = get_mask(old)
            if mask is not None:
                set_mask(new, mask)


def _masks_of(value: Any) -> Any:
    return jax.tree_util.tree_map(
        get_mask, value, is_leaf=lambda x: _is_tensor(x)
    )


def _tensor_arguments(layer, args: tuple, kwargs: dict) -> dict:
    """The call's arguments holding tensors (or non-empty nests of them)."""
    signature = layer._call_signature
    if not any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        # Context arguments `call` does not take (e.g. `training`) are
        # dropped later; they must not stop the binding.
        kwargs = {k: v for k, v in kwargs.items() if k in signature.parameters}
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return {}
    tensors = {}
    for name, value in bound.arguments.items():
        if _is_tensor(value):
            tensors[name] = value
        elif isinstance(value, list | tuple | dict) and value:
            leaves = flatten_masks(value)
            if all(x is None or _is_tensor(x) for x in leaves):
                tensors[name] = value
    return tensors


def first_argument(layer, args: tuple, kwargs: dict) -> Any:
    """The value of `call`'s first parameter (Keras' `inputs`)."""
    if args:
        return args[0]
    for name in layer._call_signature.parameters:
        if name in kwargs:
            return kwargs[name]
        break
    return next(iter(kwargs.values()), None)


def populate(layer, args: tuple, kwargs: dict) -> tuple[dict, Any]:
    """Fills the call's mask argument(s) from the inputs' masks.

    A `mask` argument the caller passed is kept. With one tensor argument
    its masks go to `mask`; with several, each `x` goes to `x_mask` where
    `call` has such a parameter.

    Returns:
        The keyword arguments to call with, and the previous mask: the
        `mask` argument if any, else the first argument's masks.
    """
    params = layer._call_signature.parameters
    wants_masks = layer._call_has_mask_arg or any(
        p.endswith("_mask") for p in params
    )
    if wants_masks:
        tensors = _tensor_arguments(layer, args, kwargs)
        kwargs = dict(kwargs)
        if len(tensors) == 1:
            if "mask" in params and kwargs.get("mask") is None:
                kwargs["mask"] = _masks_of(next(iter(tensors.values())))
        else:
            for name, value in tensors.items():
                key = f"{name}_mask"
                if key in params and kwargs.get(key) is None:
                    kwargs[key] = _masks_of(value)
    if kwargs.get("mask") is not None:
        return kwargs, kwargs["mask"]
    if not _TABLE.get():
        return kwargs, None
    return kwargs, _masks_of(first_argument(layer, args, kwargs))


def set_output_masks(
    layer, inputs: Any, outputs: Any, previous_mask: Any
) -> None:
    """Records the masks of `outputs` after `layer` was called on `inputs`.

    Args:
        layer: the layer that was called.
        inputs: the value of its first call argument.
        outputs: what the call returned.
        previous_mask: the mask the call received (see `populate`).
    """
    has_previous = any(m is not None for m in flatten_masks(previous_mask))
    if not layer.supports_masking:
        # A layer whose `call` takes the mask (e.g. a nested model) uses it.
        if has_previous and not layer._call_has_mask_arg:
            warnings.warn(
                f'Layer "{layer.name}" ({type(layer).__name__}) received an '
                "input with a mask, but it does not support masking: the "
                "mask ends here and later layers will not see it.",
                stacklevel=2,
            )
        return
    tensors = [x for x in flatten(outputs) if _is_tensor(x)]
    if not tensors or all(get_mask(x) is not None for x in tensors):
        return
    masks = layer.compute_mask(inputs, previous_mask)
    if masks is None:
        return
    for tensor, mask in zip(tensors, flatten_masks(masks), strict=False):
        if mask is not None and get_mask(tensor) is None:
            set_mask(tensor, mask)
