"""The einsum equations of multi-head attention, for any input rank and
any attention axes (the kernel layouts are Keras')."""

import string

_LETTERS = string.ascii_lowercase


def projection_equation(
    free_dims: int, bound_dims: int, output_dims: int
) -> tuple[str, str, int]:
    """`(equation, bias_axes, output_rank)` of a projection.

    The input's first `free_dims` axes are kept, its last `bound_dims` are
    contracted with the kernel, and the kernel adds `output_dims` axes (all
    of which get a bias): e.g. `"abc,cde->abde"` projects `(B, T, dim)` to
    `(B, T, heads, head_dim)`.
    """
    free = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims : free_dims + bound_dims]
    start = free_dims + bound_dims
    added = _LETTERS[start : start + output_dims]
    equation = f"{free}{bound},{bound}{added}->{free}{added}"
    return equation, added, len(free) + len(added)


def partial_output_shape(output_rank: int, known_last_dims: list) -> list:
    """An EinsumDense `output_shape`: None for the axes the input gives."""
    return [None] * (output_rank - len(known_last_dims)) + list(known_last_dims)


def attention_equations(
    rank: int, attention_axes: tuple[int, ...]
) -> tuple[str, str, int]:
    """`(dot_product_equation, combine_equation, scores_rank)`.

    Projected tensors are `(batch, <other axes>, <attention axes>, heads,
    head_dim)`; every axis but the attention axes and `head_dim` is a batch
    axis of the product. The scores are `(<batch axes>, <query attention
    axes>, <key attention axes>)`, e.g. `(B, N, T, S)`.

    The dot product takes `(key, query)`; the combination takes `(scores,
    value)` and gives the query's layout.
    """
    target = _LETTERS[:rank]
    batch_axes = [
        i for i in range(rank) if i not in attention_axes and i != rank - 1
    ]
    source = list(target)
    extra = iter(_LETTERS[rank:])
    for i in attention_axes:
        source[i] = next(extra)
    source = "".join(source)
    product = "".join(
        [target[i] for i in batch_axes]
        + [target[i] for i in attention_axes]
        + [source[i] for i in attention_axes]
    )
    return (
        f"{source},{target}->{product}",
        f"{product},{source}->{target}",
        len(product),
    )
