"""The optimizer's per-variable slots and extra scalars, made at build.

Slots come in groups, one per Keras call to `add_optimizer_variables`; the
slots of a group interleave per trainable variable (all of the first
variable's, then the second's), so the flat variable list matches Keras'.
The weights' averages (`use_ema`) are the first group, then the gradient
accumulators (accumulation on), then the rule's own; the extra scalars
come after every slot.
"""

from ember.core.variable import Variable


def create(optimizer, var_list: list) -> tuple[dict, dict]:
    """Creates and tracks the slot and extra variables for `var_list`.

    Returns:
        `(slots, extras)`: slot name -> one optimizer variable per entry of
        `var_list`, and key -> one extra scalar variable.
    """
    groups = list(optimizer._slot_spec())
    if optimizer.gradient_accumulation_steps:
        groups.insert(0, [("gradient_accumulator", 0.0)])
    if optimizer.use_ema:
        groups.insert(0, [("average", 0.0)])
    slots = {}
    for group in groups:
        for slot_name, _ in group:
            slots[slot_name] = []
        for variable in var_list:
            for slot_name, init in group:
                slots[slot_name].append(
                    optimizer.add_variable_from_reference(
                        variable, name=slot_name, initializer=init
                    )
                )
    extras = {}
    for key, var_name, init, dtype in optimizer._extra_spec(var_list):
        variable = Variable(init, dtype=dtype, trainable=False, name=var_name)
        optimizer._variables.append(variable)
        extras[key] = variable
    return slots, extras
