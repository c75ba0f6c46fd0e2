"""Step logs as the host sees them: flat dicts of Python floats.

A step (the default one, or a user's `train_step` written as the keras.io
guides do, `{m.name: m.result() for m in self.metrics}`) may return logs
holding nested dicts: the compiled metrics' result is itself a dict. As
Keras does, the nested entries are merged into the top level (keys sorted
at each level, the nested keys taking the place of their parent's key),
and every value that converts to a float is one.
"""

from typing import Any

import numpy as np


def _value(value: Any) -> Any:
    array = np.asarray(value)
    # A vector (F1Score per class, Precision at several thresholds) stays
    # an array, as Keras gives it.
    return float(array) if array.ndim == 0 else array


def pythonify_logs(logs: dict) -> dict:
    """`logs` flattened into `{name: float}`: the one conversion of a
    step's logs, done as they leave the compiled execution (callbacks,
    History and the return values all receive these).

    Args:
        logs: a dict of (nested dicts of) arrays.

    Returns:
        A flat dict, keys in sorted order (nested keys where their
        parent's key sorts); values that are not scalars stay arrays.
    """
    result = {}
    for key in sorted(logs):
        value = logs[key]
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
        else:
            result[key] = _value(value)
    return result


def flatten_logs(model, logs: dict, return_dict: bool):
    """`logs` as returned by `evaluate` and `*_on_batch`: the dict, or a
    list in Keras' order (a single value when there is one)."""
    if return_dict:
        return logs
    values = model._compiled.ordered(logs)
    return values[0] if len(values) == 1 else values
