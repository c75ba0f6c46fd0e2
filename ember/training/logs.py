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


def _value(value: Any, index: int | None) -> Any:
    array = np.asarray(value)
    if index is not None:
        array = array[index]
    # A vector (F1Score per class, Precision at several thresholds) stays
    # an array, as Keras gives it.
    return float(array) if array.ndim == 0 else array


def pythonify_logs(logs: dict, index: int | None = None) -> dict:
    """`logs` flattened into `{name: float}`.

    Args:
        logs: a dict of (nested dicts of) arrays.
        index: when given, each array holds one value per step, and the
            value of step `index` is read.

    Returns:
        A flat dict, keys in sorted order (nested keys where their
        parent's key sorts); values that are not scalars stay arrays.
    """
    result = {}
    for key in sorted(logs):
        value = logs[key]
        if isinstance(value, dict):
            result.update(pythonify_logs(value, index))
        else:
            result[key] = _value(value, index)
    return result
