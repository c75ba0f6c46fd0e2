"""Logs as `evaluate` and the `*_on_batch` methods return them.

A step's logs are converted to Python floats once, by the callbacks' batch
hook (`ember.callbacks.callback_list.pythonify_logs`).
"""


def flatten_logs(model, logs: dict, return_dict: bool):
    """`logs` as returned by `evaluate` and `*_on_batch`: the dict, or a
    list in Keras' order (a single value when there is one)."""
    if return_dict:
        return logs
    values = model._compiled.ordered(logs)
    return values[0] if len(values) == 1 else values
