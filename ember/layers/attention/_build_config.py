"""Keras' build config for layers built from several shapes:
`{"shapes_dict": {"query_shape": ..., "value_shape": ...}}`."""

from typing import Any


def _as_tuple(shape: Any) -> Any:
    return None if shape is None else tuple(shape)


class ShapesDictBuildConfig:
    """Writes and reads the `shapes_dict` build config of Keras.

    Keras records the shape of each tensor argument a layer was first
    called with (`key_shape` only when a key was given) and rebuilds the
    layer with `build(**shapes_dict)` when a file is loaded.
    """

    def get_build_config(self) -> dict | None:
        """The shapes the layer was built with, as Keras writes them."""
        shapes = getattr(self, "_build_shapes_dict", None)
        if not shapes or not getattr(self, "built", False):
            return None
        return {
            "shapes_dict": {
                name: list(shape)
                for name, shape in shapes.items()
                if shape is not None
            }
        }

    def build_from_config(self, config: dict) -> None:
        """Builds the layer from a `shapes_dict` build config.

        Any other config is left alone: the layer then builds on its first
        call, as in Keras.
        """
        if "shapes_dict" not in config:
            return
        shapes = {
            name: _as_tuple(shape)
            for name, shape in config["shapes_dict"].items()
        }
        self.build(**shapes)
        self.built = True
