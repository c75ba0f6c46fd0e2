"""The weight and output shapes an `EinsumDense` equation implies."""

import re
from typing import NamedTuple

_FORMS = (
    # (pattern, where the ellipsis stands: None, "left" or "right")
    (re.compile(r"^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$"), None),
    (re.compile(r"^\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$"), "left"),
    (
        re.compile(r"^([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.$"),
        "right",
    ),
)


class EinsumShapes(NamedTuple):
    """What `EinsumDense.build` needs from its equation."""

    kernel_shape: tuple
    bias_shape: tuple | None
    output_shape: tuple
    input_axes: list
    output_axes: list


def split_equation(equation: str) -> tuple[str, str, str, str | None]:
    """`(input_spec, kernel_spec, output_spec, ellipsis)`; raises if the
    equation is not one of the three forms `EinsumDense` supports."""
    if isinstance(equation, str):
        for pattern, ellipsis in _FORMS:
            match = pattern.match(equation)
            if match:
                return (*match.groups(), ellipsis)
    raise ValueError(
        f"Invalid einsum equation {equation!r}. Equations must be in the "
        "form [X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]..."
    )


def analyze(
    equation: str,
    bias_axes: str | None,
    input_shape: tuple,
    partial_output_shape: tuple,
    where: str,
) -> EinsumShapes:
    """Resolves the kernel, bias and output shapes for one input shape.

    Args:
        equation: the layer's equation.
        bias_axes: the output letters that get a bias, or None.
        input_shape: the full input shape, batch included.
        partial_output_shape: the layer's `output_shape` (no batch axis;
            None for sizes taken from the input).
        where: the layer, for error messages (`EinsumDense "name"`).
    """
    input_spec, kernel_spec, output_spec, ellipsis = split_equation(equation)
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(input_spec)
    if elided < 0 or (ellipsis is None and elided):
        raise ValueError(
            f"{where}: the equation {equation!r} expects inputs of rank "
            f"{len(input_spec)}, got shape {input_shape}"
        )
    partial = list(partial_output_shape)
    if ellipsis == "left":
        output = [*input_shape[:elided], *partial]
        input_pos = {c: elided + i for i, c in enumerate(input_spec)}
        output_pos = {c: elided + i for i, c in enumerate(output_spec)}
    else:
        output = [input_shape[0], *partial]
        if ellipsis == "right":
            output += input_shape[len(input_spec) :]
        input_pos = {c: i for i, c in enumerate(input_spec)}
        output_pos = {c: i for i, c in enumerate(output_spec)}
    if len(output) != len(output_spec) + (elided if ellipsis else 0):
        raise ValueError(
            f"{where}: output_shape={tuple(partial_output_shape)} does not "
            f"fit the output {output_spec!r} of the equation {equation!r}."
        )
    for c, i in input_pos.items():
        if c not in output_pos:
            continue
        size = output[output_pos[c]]
        if size is not None and input_shape[i] not in (None, size):
            raise ValueError(
                f"{where}: input shape {input_shape} and output shape "
                f"{tuple(output)} differ at the shared dimension {c!r} "
                f"({input_shape[i]} != {size})."
            )
        if size is None:
            output[output_pos[c]] = input_shape[i]
    for c in output_spec:
        if c not in input_spec and c not in kernel_spec:
            raise ValueError(
                f"{where}: dimension {c!r} of the output {output_spec!r} "
                f"appears in neither the input {input_spec!r} nor the "
                f"kernel {kernel_spec!r}."
            )
    kernel_shape, input_axes, output_axes = [], [], []
    for i, c in enumerate(kernel_spec):
        if c in output_pos:
            kernel_shape.append(output[output_pos[c]])
            output_axes.append(i)
        elif c in input_pos:
            kernel_shape.append(input_shape[input_pos[c]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"{where}: kernel dimension {c!r} appears in neither the "
                f"input {input_spec!r} nor the output {output_spec!r}; the "
                "kernel must be fully specified."
            )
    if None in kernel_shape:
        raise ValueError(
            f"{where}: the kernel shape {tuple(kernel_shape)} has unknown "
            f"sizes for input shape {input_shape}; give them in "
            "`output_shape` or the input's shape."
        )
    bias_shape = None
    if bias_axes:
        for c in bias_axes:
            if c not in output_spec:
                raise ValueError(
                    f"{where}: bias axis {c!r} is not part of the output "
                    f"{output_spec!r}."
                )
        first = min(output_spec.find(c) for c in bias_axes)
        bias_shape = [
            output[output_pos[c]] if c in bias_axes else 1
            for c in output_spec[first:]
        ]
        if ellipsis == "right":
            bias_shape += [1] * elided
        bias_shape = tuple(bias_shape)
    return EinsumShapes(
        tuple(kernel_shape), bias_shape, tuple(output), input_axes, output_axes
    )
