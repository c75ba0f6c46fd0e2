"""LayoutMap: the layouts of variables, found by their paths."""

import collections
import re
from collections.abc import Iterator

from ember.distribution.device_mesh import DeviceMesh
from ember.distribution.tensor_layout import TensorLayout


class LayoutMap(collections.abc.MutableMapping):
    """A dict from variable paths to `TensorLayout`s, with regex keys.

    Looking a path up returns the layout of the key equal to it, or else of
    the one key that matches the whole path as a regular expression
    (`re.fullmatch`); None when no key matches. A path that two keys match
    is an error. A tuple value stands for `TensorLayout(tuple)` on this
    map's mesh.

    Args:
        device_mesh: the `DeviceMesh` the layouts refer to.

    Example:

    >>> mesh = ember.distribution.DeviceMesh((1,), ["model"], ["cpu:0"])
    >>> layout_map = ember.distribution.LayoutMap(mesh)
    >>> layout_map[".*dense.*kernel"] = (None, "model")
    >>> layout_map["dense_1/kernel"].axes
    (None, 'model')
    >>> layout_map["dense_1/bias"] is None
    True
    """

    def __init__(self, device_mesh: DeviceMesh):
        self._layouts: dict[str, TensorLayout] = {}
        self._device_mesh = device_mesh

    def __getitem__(self, key: str) -> TensorLayout | None:
        if key in self._layouts:
            return self._layouts[key]
        matches = [k for k in self._layouts if re.fullmatch(k, key)]
        if len(matches) > 1:
            raise ValueError(
                f"LayoutMap: the path {key!r} matches several keys: "
                f"{matches}. Each variable path may match one key at most."
            )
        return self._layouts[matches[0]] if matches else None

    def __setitem__(self, key: str, layout: TensorLayout | tuple) -> None:
        if key in self._layouts:
            raise ValueError(
                f"LayoutMap: the key {key!r} is set already, to "
                f"{self._layouts[key]}. Keys must be unique."
            )
        if isinstance(layout, tuple | list):
            layout = TensorLayout(layout)
        if not isinstance(layout, TensorLayout):
            raise ValueError(
                f"LayoutMap: the value of {key!r} must be a TensorLayout or "
                f"a tuple of axis names. Received: {layout!r} (of type "
                f"{type(layout).__name__})"
            )
        if layout.device_mesh is None and self._device_mesh is not None:
            layout.device_mesh = self._device_mesh
        self._layouts[key] = layout

    def __delitem__(self, key: str) -> None:
        del self._layouts[key]

    def __len__(self) -> int:
        return len(self._layouts)

    def __iter__(self) -> Iterator[str]:
        return iter(self._layouts)

    @property
    def device_mesh(self) -> DeviceMesh:
        """The mesh the layouts refer to."""
        return self._device_mesh
