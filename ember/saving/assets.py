"""Assets in the `.keras` archive: files a layer writes beside its weights.

As in Keras, a layer with a `save_assets(dir_path)` hook writes files
into a folder at its path in the object tree (the same path as its
weights: `layers/text_vectorization`), and the archive stores them under
`assets/<path>/` (`assets/layers/text_vectorization/vocabulary.txt`).
Loading puts the stored files back into a temporary folder and calls each
layer's `load_assets(dir_path)` with its folder, or None when the archive
has none for it. Asset files are data: nothing in them is run.
"""

import os
import tempfile
from typing import Any

from ember.saving import weights_h5

ASSETS_DIR = "assets"


def _hooked(model: Any, hook: str) -> list[tuple[str, Any]]:
    return [
        (path, obj)
        for path, obj in weights_h5.saveables(model)
        if callable(getattr(obj, hook, None))
    ]


def collect_assets(model: Any) -> dict[str, bytes]:
    """The asset files of `model`'s layers, by archive member name.

    Args:
        model: the model being saved.

    Returns:
        `{"assets/<path>/<file>": bytes}`, empty when no layer has assets.
    """
    hooked = _hooked(model, "save_assets")
    if not hooked:
        return {}
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as root:
        for path, obj in hooked:
            folder = os.path.join(root, *path.split("/")) if path else root
            os.makedirs(folder, exist_ok=True)
            obj.save_assets(folder)
        for folder, _, names in os.walk(root):
            for name in names:
                full = os.path.join(folder, name)
                relative = os.path.relpath(full, root).replace(os.sep, "/")
                with open(full, "rb") as f:
                    files[f"{ASSETS_DIR}/{relative}"] = f.read()
    return files


def load_assets(model: Any, files: dict[str, bytes]) -> None:
    """Hands each layer with a `load_assets` hook its stored files.

    Args:
        model: the rebuilt model.
        files: `{"assets/<path>/<file>": bytes}` read from the archive
            (member names already checked to stay inside it).
    """
    hooked = _hooked(model, "load_assets")
    if not hooked or not files:
        # As Keras: an archive without assets calls no `load_assets`.
        return
    with tempfile.TemporaryDirectory() as root:
        prefix = f"{ASSETS_DIR}/"
        for name, data in files.items():
            parts = [p for p in name[len(prefix) :].split("/") if p]
            if not parts:
                continue
            full = os.path.join(root, *parts)
            try:
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "wb") as f:
                    f.write(data)
            except OSError as error:
                raise ValueError(
                    f"Invalid .keras archive: asset '{name}' cannot be "
                    f"stored ({error})."
                ) from error
        for path, obj in hooked:
            folder = os.path.join(root, *path.split("/")) if path else root
            obj.load_assets(folder if os.path.isdir(folder) else None)
