"""Resizing: resizes images to a fixed size."""

from ember.core.config import standardize_data_format
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer
from ember.layers.preprocessing import _image


class Resizing(Layer):
    """Resizes images to `(height, width)`.

    Args:
        height: the output height, a positive int.
        width: the output width, a positive int.
        interpolation: `"bilinear"`, `"nearest"`, `"bicubic"`,
            `"lanczos3"` or `"lanczos5"`.
        crop_to_aspect_ratio: first crop the largest centered window with
            the target's aspect ratio, so the content is not distorted.
        pad_to_aspect_ratio: first pad both sides of one axis with
            `fill_value` towards the target's aspect ratio.
        fill_mode: how padding is filled; only `"constant"`.
        fill_value: the padding value of `pad_to_aspect_ratio`.
        antialias: filter when downsampling (not with `"nearest"`).
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Input shape:
        `(batch, height, width, channels)` (or `(batch, channels, height,
        width)` with `"channels_first"`), or one image without `batch`.

    Output shape:
        The input shape with height and width replaced.

    Example:

    >>> layer = ember.layers.Resizing(2, 3)
    >>> layer(np.ones((4, 5, 6, 3))).shape
    (4, 2, 3, 3)
    """

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        antialias: bool = False,
        data_format: str | None = None,
        **kwargs,
    ):
        _image.check_size("Resizing", height, width)
        _image.check_choice(
            self, "interpolation", interpolation, _image.RESIZE_INTERPOLATIONS
        )
        _image.check_choice(self, "fill_mode", fill_mode, ("constant",))
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(
                "Resizing: only one of `crop_to_aspect_ratio` and "
                "`pad_to_aspect_ratio` can be True."
            )
        super().__init__(**kwargs)
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = antialias
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=3, max_ndim=4)
        self.built = True

    def call(self, inputs):
        return _image.resize(
            inputs.astype(self.compute_dtype),
            self.height,
            self.width,
            interpolation=self.interpolation,
            data_format=self.data_format,
            crop_to_aspect=self.crop_to_aspect_ratio,
            pad_to_aspect=self.pad_to_aspect_ratio,
            fill_value=self.fill_value,
            antialias=self.antialias,
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape with height and width set to the target's."""
        return _image.resized_shape(
            input_shape, self.height, self.width, self.data_format
        )

    def get_config(self) -> dict:
        """Returns the base config plus the constructor arguments."""
        config = super().get_config()
        config.update(
            {
                "height": self.height,
                "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
                "fill_mode": self.fill_mode,
                "fill_value": self.fill_value,
                "antialias": self.antialias,
                "data_format": self.data_format,
            }
        )
        return config
