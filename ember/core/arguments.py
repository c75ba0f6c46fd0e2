"""Forwarding a constructor's arguments to its parent's constructor."""

import functools
import inspect


@functools.cache
def _parameter_names(parent: type) -> tuple[str, ...]:
    """The named parameters of `parent.__init__`, without `self`."""
    parameters = inspect.signature(parent.__init__).parameters.values()
    return tuple(
        p.name
        for p in parameters
        if p.name != "self"
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    )


def parent_arguments(
    parent: type, local_variables: dict, **fixed: object
) -> dict:
    """The arguments of `parent`'s constructor among a subclass' `locals()`.

    A subclass keeps Keras' explicit signature and forwards what its parent
    takes (and its `**kwargs`) with
    `super().__init__(**parent_arguments(Parent, locals()))`; a parameter
    the subclass fixes rather than takes is given by name, as in
    `parent_arguments(BaseConv, locals(), rank=2)`.

    Args:
        parent: the class whose `__init__` is called.
        local_variables: the subclass constructor's `locals()`; each of the
            parent's parameters must be one of them or of `fixed`.
        **fixed: parent parameters the subclass sets itself.

    Returns:
        The keyword arguments for the parent's constructor.
    """
    arguments = {
        name: local_variables[name]
        for name in _parameter_names(parent)
        if name not in fixed
    }
    return arguments | fixed | local_variables.get("kwargs", {})
