"""`ember.layers.serialize` / `deserialize`, as `keras.layers`.

They use the one config codec of `ember.saving` (reached through
`ember.core.registry`, since layers sit below saving), so a layer's dict
is exactly what `serialize_keras_object` writes, nested objects, build
config and models included.
"""

from ember.core import registry
from ember.layers.layer import Layer


def serialize(layer: Layer) -> dict:
    """Returns the Keras config dict of `layer`.

    Args:
        layer: a layer (or a model).

    Returns:
        `{"module", "class_name", "config", "registered_name"}`, plus
        `"build_config"` when the layer is built.

    Example:

    >>> ember.layers.serialize(ember.layers.Dense(2))["class_name"]
    'Dense'
    """
    return registry.serialize_object(layer)


def deserialize(config: dict, custom_objects: dict | None = None) -> Layer:
    """Rebuilds a layer from its config dict.

    Args:
        config: a dict from `serialize` (or Keras).
        custom_objects: optional dict of names to user classes and
            functions the config refers to.

    Returns:
        The layer.

    Raises:
        ValueError: when the config describes something that is not a
            layer.
    """
    obj = registry.deserialize_object(config, custom_objects=custom_objects)
    if not isinstance(obj, Layer):
        raise ValueError(
            "`ember.layers.deserialize` was passed a `config` object that is "
            f"not a `ember.layers.Layer`. Received: {config}"
        )
    return obj
