"""Public saving functions: `.keras` models and `.weights.h5` weights."""

import os
from typing import Any

from ember.saving import saving_lib
from ember.saving import weights_h5


def _proceed_with_overwrite(filepath: str, overwrite: bool) -> bool:
    """Keras' rule: ask before replacing a file when `overwrite=False`."""
    if overwrite or not os.path.exists(filepath):
        return True
    answer = ""
    while answer not in ("y", "n"):
        answer = (
            input(f"[WARNING] {filepath} already exists - overwrite? [y/n]")
            .strip()
            .lower()
        )
    return answer == "y"


def save_model(
    model: Any,
    filepath: Any,
    overwrite: bool = True,
    zipped: bool | None = None,
    **kwargs,
) -> None:
    """Saves a model as a `.keras` archive.

    The archive holds the model's config (architecture and compile
    arguments), its weights and optimizer state, and metadata; Keras 3
    reads it, and `load_model` rebuilds the model from it. The write is
    atomic: an interrupted save leaves any previous file intact.

    Args:
        model: the model.
        filepath: a path ending in `.keras`, or a binary file object.
        overwrite: when False and the file exists, ask first.
        zipped: only the zipped archive is supported (None or True).

    Example:

    >>> model.save("model.keras")  # doctest: +SKIP
    >>> restored = ember.saving.load_model("model.keras")  # doctest: +SKIP
    """
    kwargs.pop("include_optimizer", None)
    if kwargs:
        raise ValueError(
            f"The following argument(s) are not supported: {sorted(kwargs)}"
        )
    if zipped is False:
        raise ValueError(
            "ember saves models only as zipped `.keras` archives. "
            "Received: zipped=False"
        )
    if hasattr(filepath, "write"):
        saving_lib.save_model(model, filepath)
        return
    filepath = os.fspath(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError(
            "Invalid filepath extension for saving: expected a `.keras` "
            "extension (or use `save_weights` with `.weights.h5`). "
            f"Received: filepath={filepath}"
        )
    if not _proceed_with_overwrite(filepath, overwrite):
        return
    saving_lib.save_model(model, filepath)


def load_model(
    filepath: Any,
    custom_objects: dict | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:
    """Loads a model saved with `model.save()` (by ember or Keras).

    Args:
        filepath: the `.keras` file (a path or a binary file object).
        custom_objects: a dict mapping names to the custom classes or
            functions the config refers to.
        compile: whether to compile the model after loading.
        safe_mode: refuse to rebuild Lambda layers' code from the file;
            set False only for files you trust.

    Returns:
        The model, with its weights (and optimizer state when compiled).
    """
    if not hasattr(filepath, "read"):
        filepath = os.fspath(filepath)
        if not filepath.endswith(".keras"):
            raise ValueError(
                "Invalid filename: expected a `.keras` extension. "
                f"Received: filepath={filepath}"
            )
        if not os.path.exists(filepath):
            raise ValueError(f"File not found: filepath={filepath}")
    return saving_lib.load_model(
        filepath,
        custom_objects=custom_objects,
        compile=compile,
        safe_mode=safe_mode,
    )


def save_weights(
    model: Any,
    filepath: Any,
    overwrite: bool = True,
    max_shard_size: Any = None,
    **kwargs,
) -> None:
    """Saves a model's weights to a `.weights.h5` file, atomically.

    The file follows Keras 3's layout, so Keras loads it into the same
    architecture.

    Args:
        model: a built model.
        filepath: a path ending in `.weights.h5`.
        overwrite: when False and the file exists, ask first.
        max_shard_size: sharded files are not supported (must be None).
    """
    if kwargs:
        raise ValueError(
            f"The following argument(s) are not supported: {sorted(kwargs)}"
        )
    if max_shard_size is not None:
        raise ValueError(
            "ember does not write sharded weights yet. "
            f"Received: max_shard_size={max_shard_size}"
        )
    filepath = os.fspath(filepath)
    if not filepath.endswith(".weights.h5"):
        raise ValueError(
            "The filename must end in `.weights.h5`. "
            f"Received: filepath={filepath}"
        )
    if not _proceed_with_overwrite(filepath, overwrite):
        return
    weights_h5.save_weights(model, filepath)


def load_weights(
    model: Any, filepath: Any, skip_mismatch: bool = False, **kwargs
) -> None:
    """Loads weights from a `.weights.h5` file or a `.keras` archive.

    Weights are matched by the model's structure, as in Keras: layers by
    their position in the object tree, variables by order. Everything is
    checked before any variable changes.

    Args:
        model: a built model with the architecture that saved the file.
        filepath: a `.weights.h5` or `.keras` file.
        skip_mismatch: warn about and skip layers whose variables do not
            match (missing, extra, or of another shape) instead of raising
            a `ValueError`.
    """
    if kwargs:
        raise ValueError(
            f"The following argument(s) are not supported: {sorted(kwargs)}"
        )
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise ValueError(f"File not found: filepath={filepath}")
    if filepath.endswith(".keras"):
        if not getattr(model, "built", False):
            raise ValueError(
                f'Model "{model.name}" is not built yet, so it has no '
                "variables to load weights into."
            )
        _, _, weights = saving_lib.read_archive(filepath)
        entries, _ = weights_h5.read_weights(weights)
        weights_h5.load_entries(model, entries, skip_mismatch=skip_mismatch)
    elif filepath.endswith(".weights.h5"):
        weights_h5.load_weights(model, filepath, skip_mismatch=skip_mismatch)
    else:
        raise ValueError(
            "File format not supported: expected a `.weights.h5` or `.keras` "
            f"file. Received: filepath={filepath}"
        )
