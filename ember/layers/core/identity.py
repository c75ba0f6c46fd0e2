"""Identity: returns its input unchanged."""

from ember.layers.layer import Layer


class Identity(Layer):
    """Returns its input unchanged: a placeholder where no operation is needed.

    Input shape:
        Any (also a nested structure of arrays).

    Output shape:
        The same as the input.

    Example:

    >>> ember.layers.Identity()(np.ones((2, 3))).shape
    (2, 3)
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        """The input shape(s), unchanged."""
        return input_shape
