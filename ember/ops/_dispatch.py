"""One decorator makes a plain array function work on symbolic tensors too."""

import functools
from collections.abc import Callable

from ember.core.symbolic import any_symbolic
from ember.core.symbolic import symbolic_apply


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
