"""The training state: four flat lists of values, and their variables.

An execution takes and returns `(trainable, non_trainable, optimizer,
metrics)` values (Keras' JAX order). They are gathered from the variables
once per epoch (`fresh_state`), fed through the compiled executions and
written back after each one (`assign_state`).
"""

from ember.training import sharding


def variable_groups(model) -> tuple:
    """The four variable lists of the state, in Keras' order."""
    return (
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
        model._compiled.metric_variables,
    )


def fresh_state(groups: tuple, model) -> tuple:
    """The current values of the four groups, metrics freshly reset, laid
    out as the current distribution says (`ember.training.sharding`)."""
    values = (
        *([v.value for v in group] for group in groups[:3]),
        model._compiled.reset_values(),
    )
    return tuple(
        sharding.place_values(group, group_values)
        for group, group_values in zip(groups, values, strict=True)
    )


def assign_state(state, groups: tuple) -> None:
    """Writes the state back into the variables of `groups`."""
    for variables, values in zip(groups, state, strict=True):
        for variable, value in zip(variables, values, strict=True):
            variable.assign(value)
