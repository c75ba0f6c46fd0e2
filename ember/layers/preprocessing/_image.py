"""Image helpers shared by the preprocessing layers: crop, pad, resize and
affine resampling, for `(batch, height, width, channels)` or
`(batch, channels, height, width)` images (rank 3 means one image)."""

import functools

import jax
import jax.numpy as jnp

from ember.layers._windows import is_positive_int

RESIZE_INTERPOLATIONS = (
    "bilinear",
    "nearest",
    "lanczos3",
    "lanczos5",
    "bicubic",
)
AFFINE_INTERPOLATIONS = {"nearest": 0, "bilinear": 1}
FILL_MODES = ("reflect", "wrap", "constant", "nearest")


def spatial_axes(ndim: int, data_format: str) -> tuple[int, int]:
    """The (height, width) axes of a rank-`ndim` image tensor."""
    if data_format == "channels_last":
        return ndim - 3, ndim - 2
    return ndim - 2, ndim - 1


def resized_shape(shape: tuple, height: int, width: int, data_format: str):
    """`shape` with its height and width replaced."""
    shape = list(shape)
    h_axis, w_axis = spatial_axes(len(shape), data_format)
    shape[h_axis], shape[w_axis] = height, width
    return tuple(shape)


def _crop_box(size: int, other: int, target: int, other_target: int):
    """The centered (start, length) along an axis that gives the target
    aspect ratio, never longer than the axis."""
    length = int(float(other * target) / other_target)
    length = max(min(size, length), 1)
    return int(float(size - length) / 2), length


def crop_to_aspect_ratio(images, height: int, width: int, data_format: str):
    """The largest centered crop with the aspect ratio `height / width`."""
    h_axis, w_axis = spatial_axes(images.ndim, data_format)
    in_h, in_w = images.shape[h_axis], images.shape[w_axis]
    h_start, h_len = _crop_box(in_h, in_w, height, width)
    w_start, w_len = _crop_box(in_w, in_h, width, height)
    images = jax.lax.slice_in_dim(images, h_start, h_start + h_len, axis=h_axis)
    return jax.lax.slice_in_dim(images, w_start, w_start + w_len, axis=w_axis)


def pad_to_aspect_ratio(
    images, height: int, width: int, data_format: str, fill_value: float
):
    """Pads both sides of one axis with `fill_value` towards the aspect
    ratio `height / width` (the padding on each side is rounded down)."""
    h_axis, w_axis = spatial_axes(images.ndim, data_format)
    in_h, in_w = images.shape[h_axis], images.shape[w_axis]
    pad_h = int(float(max(in_h, int(float(in_w * height) / width)) - in_h) / 2)
    pad_w = int(float(max(in_w, int(float(in_h * width) / height)) - in_w) / 2)
    pads = [(0, 0)] * images.ndim
    if pad_h > 0:
        pads[h_axis] = (pad_h, pad_h)
    elif pad_w > 0:
        pads[w_axis] = (pad_w, pad_w)
    return jnp.pad(images, pads, constant_values=fill_value)


def resize(
    images,
    height: int,
    width: int,
    interpolation: str = "bilinear",
    data_format: str = "channels_last",
    crop_to_aspect: bool = False,
    pad_to_aspect: bool = False,
    fill_value: float = 0.0,
    antialias: bool = False,
):
    """Resizes to `(height, width)`, optionally first cropping or padding to
    the target aspect ratio (so the content is not distorted)."""
    if crop_to_aspect:
        images = crop_to_aspect_ratio(images, height, width, data_format)
    elif pad_to_aspect:
        images = pad_to_aspect_ratio(
            images, height, width, data_format, fill_value
        )
    shape = resized_shape(images.shape, height, width, data_format)
    return jax.image.resize(
        images, shape, method=interpolation, antialias=antialias
    )


def affine_transform(
    images,
    transforms,
    interpolation: str,
    fill_mode: str,
    fill_value: float,
    data_format: str,
):
    """Resamples each image of a batch through its own projective map.

    Args:
        images: a batch of images (rank 4).
        transforms: `(batch, 8)` rows `[a0, a1, a2, b0, b1, b2, c0, c1]`
            sending the output pixel `(x, y)` to the input point
            `((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`, with
            `k = c0 x + c1 y + 1`.
        interpolation: `"nearest"` or `"bilinear"`.
        fill_mode: how points outside the input are filled: `"reflect"`,
            `"wrap"`, `"constant"` (with `fill_value`) or `"nearest"`.
        fill_value: the value used by `fill_mode="constant"`.
        data_format: `"channels_last"` or `"channels_first"`.
    """
    dtype = images.dtype
    # Sample in at least float32: float16 coordinates lose sub-pixel
    # precision past a few hundred pixels.
    images = images.astype(jnp.promote_types(dtype, "float32"))
    if data_format == "channels_last":
        images = jnp.moveaxis(images, -1, 1)
    height, width = images.shape[-2:]
    ys, xs = jnp.meshgrid(
        jnp.arange(height, dtype="float32"),
        jnp.arange(width, dtype="float32"),
        indexing="ij",
    )
    # Imported here: jax.scipy is not needed by `import ember`.
    from jax.scipy import ndimage

    sample = functools.partial(
        ndimage.map_coordinates,
        order=AFFINE_INTERPOLATIONS[interpolation],
        mode=fill_mode,
        cval=fill_value,
    )

    def one_image(image, t):
        t = t.astype("float32")
        k = t[6] * xs + t[7] * ys + 1.0
        src_x = (t[0] * xs + t[1] * ys + t[2]) / k
        src_y = (t[3] * xs + t[4] * ys + t[5]) / k
        coordinates = [src_y.astype(image.dtype), src_x.astype(image.dtype)]
        return jax.vmap(lambda channel: sample(channel, coordinates))(image)

    outputs = jax.vmap(one_image)(images, transforms)
    if data_format == "channels_last":
        outputs = jnp.moveaxis(outputs, 1, -1)
    return outputs.astype(dtype)


def check_choice(layer, argument: str, value, allowed) -> None:
    """Raises naming the layer unless `value` is one of `allowed`."""
    if value not in allowed:
        raise ValueError(
            f"{type(layer).__name__}: unknown `{argument}` {value!r}. "
            f"Expected one of {tuple(allowed)}."
        )


def check_size(owner: str, height: int, width: int) -> None:
    """Raises naming `owner` unless `height` and `width` are positive ints."""
    for name, value in (("height", height), ("width", width)):
        if not is_positive_int(value):
            raise ValueError(
                f"{owner}: `{name}` must be a positive int. "
                f"Received: {name}={value!r}"
            )
