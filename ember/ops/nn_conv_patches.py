"""Convolution as one matrix product over image patches ("im2col"), on CPU.

XLA:CPU lowers a convolution's kernel gradient to a slow generic loop when
the input has few channels (a grayscale or RGB first layer): the founding
CNN's `Conv2D(32, 3x3)` spent most of its training step there. Written as
patches (the input sliced once per kernel offset, concatenated along the
channels) times the kernel reshaped to `(taps * in_channels, filters)`,
the gradients are plain matrix products that XLA runs at full speed (the
founding CNN's fit: about 1.4 times the samples/s). The patches copy the
input `taps` times, so this path is taken only when a patch is small
(`PATCH_LIMIT` values); larger convolutions keep XLA's own lowering. The
sums are the same up to float rounding order.

Forward alone, XLA's convolution is the faster one (the founding CNN's
10k-sample predict: about 30k samples/s against 20k), so the patch form is
only traced inside `gradient_convolutions()`, which the train step enters;
predict, evaluate, eager calls and exports keep real convolutions.
"""

import contextlib
import contextvars
import math
from collections.abc import Iterator

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

# The most values in one patch (kernel taps x input channels) for which
# the patch form is used: 3x3 RGB is 27, 5x5 grayscale 25.
PATCH_LIMIT = 32

_GRADIENTS = contextvars.ContextVar("gradient_convolutions", default=False)


@contextlib.contextmanager
def gradient_convolutions() -> Iterator[None]:
    """Inside, small CPU convolutions are traced in the patch form (for
    code that differentiates them: the train step)."""
    token = _GRADIENTS.set(True)
    try:
        yield
    finally:
        _GRADIENTS.reset(token)


def use_patches(
    inputs: jax.Array,
    kernel: jax.Array,
    data_format: str,
    dilation: tuple,
    groups: int,
) -> bool:
    """Whether `patch_convolve` should run this convolution.

    Only on CPU inside `gradient_convolutions()`, for channels-last,
    ungrouped, undilated convolutions whose patch holds at most
    `PATCH_LIMIT` values.
    """
    rank = inputs.ndim - 2
    return (
        jax.default_backend() == "cpu"
        and _GRADIENTS.get()
        and data_format == "channels_last"
        and groups == 1
        and dilation == (1,) * rank
        and math.prod(kernel.shape[:-1]) <= PATCH_LIMIT
    )


def patch_convolve(
    inputs: jax.Array, kernel: jax.Array, strides: tuple, padding: str
) -> jax.Array:
    """A channels-last convolution as patches times the flattened kernel.

    Args:
        inputs: `(batch, *spatial, in_channels)`.
        kernel: `(*size, in_channels, filters)`.
        strides: one stride per spatial axis.
        padding: `"VALID"` or `"SAME"`.

    Returns:
        `(batch, *out_spatial, filters)`, as `lax.conv_general_dilated`.
    """
    size = kernel.shape[:-2]
    if padding == "SAME":
        pads = lax.padtype_to_pads(inputs.shape[1:-1], size, strides, "SAME")
        inputs = jnp.pad(inputs, [(0, 0), *pads, (0, 0)])
    out = [
        (n - k) // s + 1
        for n, k, s in zip(inputs.shape[1:-1], size, strides, strict=True)
    ]
    if min(out) < 1:
        return jnp.zeros(
            (inputs.shape[0], *(max(n, 0) for n in out), kernel.shape[-1]),
            inputs.dtype,
        )
    pieces = []
    for offset in np.ndindex(*size):
        window = tuple(
            slice(o, o + (n - 1) * s + 1, s)
            for o, n, s in zip(offset, out, strides, strict=True)
        )
        pieces.append(inputs[(slice(None), *window, slice(None))])
    patches = pieces[0] if len(pieces) == 1 else jnp.concatenate(pieces, -1)
    return patches @ kernel.reshape(-1, kernel.shape[-1])
