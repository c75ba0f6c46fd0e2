"""The `.keras` archive: a zip of `metadata.json`, `config.json`,
`model.weights.h5` and the layers' asset files (`assets/<layer path>/...`,
such as a TextVectorization's `vocabulary.txt`), in Keras 3's layout.

Writing is atomic (a temporary file in the same folder, then a rename).
Reading checks the archive before trusting it: member names must be
plain relative paths, links are refused, each member's declared size is
checked against the archive's size before it is read (a zip bomb is
refused), and a missing member, malformed JSON or JSON nested too deeply
raises a `ValueError` naming the member. Loading leaves Python's and
numpy's global random generators as it found them.
"""

import datetime
import io
import json
import os
import random
import stat
import warnings
import zipfile
from typing import Any

import numpy as np

from ember.core.atomic import atomic_write
from ember.core.checks import variable_bytes_limit
from ember.saving import assets as assets_lib
from ember.saving import safe_json
from ember.saving import serialization_lib
from ember.saving import weights_h5
from ember.saving.weights_reading import largest_dataset_bytes

METADATA_NAME = "metadata.json"
CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.weights.h5"
# The Keras version whose format these files follow.
KERAS_VERSION = "3.15.1"

# Past a floor any small file may reach, a member may declare at most
# `_MAX_RATIO` bytes per byte it stores (Keras and ember store members
# uncompressed, so genuine archives stay near 1:1) and the archive at most
# `_MAX_EXPANSION` bytes per byte of archive (DEFLATE tops out near 1032:1).
_DECLARED_FLOOR_BYTES = 1 << 24
_MAX_RATIO = 100
_MAX_EXPANSION = 1100


def _write_zip(
    target: Any, config: dict, weights: bytes, assets: dict | None
) -> None:
    metadata = {
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    # Keras stores members uncompressed; so do we.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(METADATA_NAME, json.dumps(metadata))
        zf.writestr(CONFIG_NAME, json.dumps(config))
        zf.writestr(WEIGHTS_NAME, weights)
        for name, data in (assets or {}).items():
            zf.writestr(name, data)


def archive_bytes(
    config: dict, weights: bytes, assets: dict | None = None
) -> bytes:
    """The `.keras` archive of a serialized config and a weights file.

    Args:
        config: the model's serialized config (a JSON-able dict).
        weights: the bytes of its `.weights.h5` file.
        assets: asset files by member name (`"assets/<path>/<file>"`).

    Returns:
        The zip archive's bytes.
    """
    buffer = io.BytesIO()
    _write_zip(buffer, config, weights, assets)
    return buffer.getvalue()


def write_archive(
    filepath: Any, config: dict, weights: bytes, assets: dict | None = None
) -> None:
    """Writes a `.keras` archive atomically: into a temporary file in the
    same folder, renamed over `filepath` once complete.

    Args:
        filepath: where to write it.
        config: the model's serialized config.
        weights: the bytes of its `.weights.h5` file.
        assets: asset files by member name (`"assets/<path>/<file>"`).
    """
    atomic_write(
        filepath, lambda path: _write_zip(path, config, weights, assets)
    )


def _check_member(info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or ".." in parts
    ):
        raise ValueError(
            f"Refusing to read the archive: member '{name}' has an absolute "
            "path or leaves the archive's folder ('..')."
        )
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ValueError(
            f"Refusing to read the archive: member '{name}' is a link."
        )


def _check_size(info: zipfile.ZipInfo, archive_size: int) -> None:
    name = info.filename
    limit = max(_DECLARED_FLOOR_BYTES, _MAX_EXPANSION * archive_size)
    if info.file_size > limit or (
        info.file_size > _DECLARED_FLOOR_BYTES
        and info.file_size > _MAX_RATIO * max(info.compress_size, 1)
    ):
        raise ValueError(
            f"Refusing to read the archive: member '{name}' declares "
            f"{info.file_size} bytes from {info.compress_size} stored "
            f"(archive of {archive_size} bytes); it may be a zip bomb."
        )


def _read_member(zf: zipfile.ZipFile, name: str, archive_size: int) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise ValueError(
            f"Invalid .keras archive: the member '{name}' is missing. "
            f"Members: {zf.namelist()}"
        ) from None
    _check_size(info, archive_size)
    try:
        with zf.open(info) as f:
            data = f.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise ValueError(
            f"Invalid .keras archive: member '{name}' cannot be read ({error})."
        ) from error
    if len(data) > info.file_size:
        raise ValueError(
            f"Invalid .keras archive: member '{name}' is larger than it "
            "declares."
        )
    return data


def _read_json(zf: zipfile.ZipFile, name: str, archive_size: int) -> dict:
    data = _read_member(zf, name, archive_size)
    value = safe_json.load_json(data, f"the .keras archive's member '{name}'")
    if not isinstance(value, dict):
        raise ValueError(
            f"Invalid .keras archive: member '{name}' should hold a JSON "
            f"object, not {type(value).__name__}."
        )
    return value


def read_archive(source: Any) -> tuple[dict, dict, bytes]:
    """Reads and checks a `.keras` archive.

    Args:
        source: a path, bytes, or a binary file object.

    Returns:
        `(config, metadata, weights)`: the two JSON dicts and the bytes of
        `model.weights.h5`.
    """
    config, metadata, weights, _ = read_archive_with_assets(source)
    return config, metadata, weights


def read_archive_with_assets(source: Any) -> tuple[dict, dict, bytes, dict]:
    """Reads and checks a `.keras` archive, asset files included.

    Args:
        source: a path, bytes, or a binary file object.

    Returns:
        `(config, metadata, weights, assets)`: as `read_archive`, and the
        asset files' bytes by member name (`"assets/<path>/<file>"`).
    """
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    if hasattr(source, "read"):
        source.seek(0, os.SEEK_END)
        archive_size = source.tell()
        source.seek(0)
    else:
        source = os.fspath(source)
        archive_size = os.path.getsize(source)
    try:
        zf = zipfile.ZipFile(source, "r")
    except zipfile.BadZipFile as error:
        raise ValueError(
            f"Invalid .keras archive {source!r}: not a zip file ({error})."
        ) from error
    with zf:
        infos = zf.infolist()
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise ValueError(
                "Refusing to read the archive: it holds duplicate member "
                f"names {sorted({n for n in names if names.count(n) > 1})}."
            )
        for info in infos:
            _check_member(info)
            _check_size(info, archive_size)
        total = sum(info.file_size for info in infos)
        if total > max(_DECLARED_FLOOR_BYTES, _MAX_EXPANSION * archive_size):
            raise ValueError(
                f"Refusing to read the archive: its members declare {total} "
                f"bytes from an archive of {archive_size} bytes; it may be a "
                "zip bomb."
            )
        metadata = _read_json(zf, METADATA_NAME, archive_size)
        config = _read_json(zf, CONFIG_NAME, archive_size)
        weights = _read_member(zf, WEIGHTS_NAME, archive_size)
        assets = {
            name: _read_member(zf, name, archive_size)
            for name in names
            if name.startswith(f"{assets_lib.ASSETS_DIR}/")
            and not name.endswith("/")
        }
    return config, metadata, weights, assets


def save_model(model: Any, filepath: Any) -> None:
    """Writes `model` as a `.keras` archive (config, weights, metadata).

    Args:
        model: the model.
        filepath: a path ending in `.keras`, or a binary file object.
    """
    if not getattr(model, "built", False):
        warnings.warn(
            f'Model "{model.name}" is saved before it was built, so the '
            "file holds no weights for it. Call it on data or `build()` it "
            "first.",
            stacklevel=3,
        )
    config = serialization_lib.serialize_keras_object(model)
    weights = weights_h5.weights_bytes(model)
    assets = assets_lib.collect_assets(model)
    if hasattr(filepath, "write"):
        filepath.write(archive_bytes(config, weights, assets))
        return
    write_archive(filepath, config, weights, assets)


def load_model(
    filepath: Any,
    custom_objects: dict | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:
    """Rebuilds a model from a `.keras` archive and loads its weights.

    Args:
        filepath: the archive (a path or a binary file object).
        custom_objects: classes and functions the config may name, by name.
        compile: whether to compile the model as it was when saved.
        safe_mode: refuse to rebuild Lambda layers' code.

    Returns:
        The model.
    """
    config, _, weights, assets = read_archive_with_assets(filepath)
    entries, _ = weights_h5.read_weights(weights)
    if not compile:
        config["compile_config"] = None
    # Rebuilding draws seeds for unseeded layers and initializers from
    # Python's `random`; the values drawn are replaced by the file's
    # weights, so the global generators are put back as they were: loading
    # changes no global state, and a program seeded with
    # `set_random_seed` draws the same numbers whether it loads or not.
    python_state, numpy_state = random.getstate(), np.random.get_state()
    try:
        # Every variable takes its value from the weights file, so none may
        # be larger than that file can hold: a damaged size in config.json
        # is refused before it reaches XLA.
        with variable_bytes_limit(
            largest_dataset_bytes(len(weights)),
            f"the archive's {WEIGHTS_NAME} ({len(weights)} bytes) can hold",
        ):
            try:
                model = serialization_lib.deserialize_keras_object(
                    config, custom_objects=custom_objects, safe_mode=safe_mode
                )
            except ValueError as error:
                # Name the member: the checks name the object and argument.
                raise ValueError(f"{CONFIG_NAME}: {error}") from error
            optimizer = getattr(model, "optimizer", None)
            if (
                optimizer is not None
                and not optimizer.built
                and getattr(model, "built", False)
                and entries.get("optimizer")
            ):
                # As Keras' compile on load: the slots exist before they
                # load.
                optimizer.build(model.trainable_variables)
        weights_h5.load_entries(model, entries)
        # After the weights, as Keras: a tf-idf vocabulary reads its
        # weights.
        assets_lib.load_assets(model, assets)
    except RecursionError:
        raise ValueError(
            "Cannot load the model: rebuilding it recursed past Python's "
            "stack limit (its config.json nests layers too deeply)."
        ) from None
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
    return model
