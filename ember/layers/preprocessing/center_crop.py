"""CenterCrop: crops the center of images to a fixed size."""

import jax

from ember.core.config import standardize_data_format
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer
from ember.layers.preprocessing import _image


class CenterCrop(Layer):
    """Crops the central `height` x `width` window of each image.

    An image smaller than the target along either axis is instead cropped
    to the target's aspect ratio and resized (bilinear) to the target size.

    Args:
        height: the output height, a positive int.
        width: the output width, a positive int.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Input shape:
        `(batch, height, width, channels)` (or `(batch, channels, height,
        width)` with `"channels_first"`), or one image without `batch`.

    Output shape:
        The input shape with height and width replaced.

    Example:

    >>> layer = ember.layers.CenterCrop(2, 3)
    >>> layer(np.ones((4, 5, 6, 3))).shape
    (4, 2, 3, 3)
    """

    def __init__(
        self, height: int, width: int, data_format: str | None = None, **kwargs
    ):
        _image.check_size("CenterCrop", height, width)
        super().__init__(**kwargs)
        self.height = height
        self.width = width
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=3, max_ndim=4)
        self.built = True

    def call(self, inputs):
        images = inputs.astype(self.compute_dtype)
        h_axis, w_axis = _image.spatial_axes(images.ndim, self.data_format)
        h_diff = images.shape[h_axis] - self.height
        w_diff = images.shape[w_axis] - self.width
        if h_diff < 0 or w_diff < 0:
            return _image.resize(
                images,
                self.height,
                self.width,
                data_format=self.data_format,
                crop_to_aspect=True,
            )
        top, left = h_diff // 2, w_diff // 2
        images = jax.lax.slice_in_dim(images, top, top + self.height, 1, h_axis)
        return jax.lax.slice_in_dim(images, left, left + self.width, 1, w_axis)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape with height and width set to the target's."""
        return _image.resized_shape(
            input_shape, self.height, self.width, self.data_format
        )

    def get_config(self) -> dict:
        """Returns the base config plus `height`, `width`, `data_format`."""
        config = super().get_config()
        config.update(
            {
                "height": self.height,
                "width": self.width,
                "data_format": self.data_format,
            }
        )
        return config
