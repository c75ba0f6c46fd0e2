"""Reading and logging the learning rate of a model's optimizer(s)."""

import numpy as np


def optimizers_of(model) -> list:
    """`[(log suffix, optimizer)]`: one entry with suffix ``""``, or one per
    inner optimizer (suffix ``"_<name>"``) for an optimizer that holds
    several in `optimizers`."""
    optimizer = model.optimizer
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    inner = getattr(optimizer, "optimizers", None)
    if inner is not None:
        return [(f"_{opt.name}", opt) for opt in inner]
    return [("", optimizer)]


def learning_rate_of(optimizer) -> float:
    """The optimizer's current learning rate as a Python float."""
    return float(np.asarray(optimizer.learning_rate))


def log_learning_rates(model, logs: dict, skip_missing=False) -> dict:
    """Adds ``learning_rate`` (``learning_rate_<name>`` per inner
    optimizer) to `logs`, in place, as Keras does at epoch end.

    With `skip_missing`, an optimizer without a readable learning rate
    (an optax transformation without hyperparameters) is left out instead
    of raising."""
    for suffix, optimizer in optimizers_of(model):
        if skip_missing and not hasattr(optimizer, "learning_rate"):
            continue
        logs[f"learning_rate{suffix}"] = learning_rate_of(optimizer)
    return logs
