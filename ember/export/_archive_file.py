"""The export file: a zip of jax.export artifacts, arrays and a manifest.

```
manifest.json                 format, version, endpoints, collections
endpoints/<name>.jaxexport    one serialized `jax.export.Exported` each
variables/<name>.npz          one variable collection each ("0", "1", ...)
```

Nothing in the file is Python: the manifest is JSON, the arrays are
read with `allow_pickle=False`, and each endpoint is StableHLO inside
jax.export's flatbuffer, so reading a file never runs code from it.
"""

import io
import json
import keyword
import os
import zipfile
from typing import Any

import numpy as np

from ember.core.atomic import atomic_write

FORMAT = "ember.export"
VERSION = 1
MANIFEST = "manifest.json"
# Attributes of a loaded archive that endpoints and collections may not use.
RESERVED = frozenset({"manifest", "endpoints", "variable_collections"})


def check_name(name: Any, kind: str, taken: set) -> None:
    """Raises a ValueError unless `name` can be an attribute of the loaded
    archive (an identifier, not private, not reserved, not taken)."""
    if name in taken:
        raise ValueError(f"{kind} name '{name}' is already taken.")
    if (
        not isinstance(name, str)
        or not name.isidentifier()
        or keyword.iskeyword(name)
        or name.startswith("_")
        or name in RESERVED
    ):
        raise ValueError(
            f"{kind} names become attributes of the reloaded archive, so "
            "they must be Python identifiers that do not start with '_' "
            f"and are not one of {sorted(RESERVED)}. Received: {name!r}"
        )


def endpoint_file(name: str) -> str:
    """The zip entry holding endpoint `name`."""
    return f"endpoints/{name}.jaxexport"


def collection_file(name: str) -> str:
    """The zip entry holding variable collection `name`."""
    return f"variables/{name}.npz"


def encode_arrays(arrays: list[np.ndarray]) -> bytes:
    """An .npz holding `arrays` as "0", "1", ...; dtypes numpy cannot store
    without pickle (bfloat16, float8) are stored as same-size uints."""
    buffer = io.BytesIO()
    np.savez(buffer, **{str(i): _storable(a) for i, a in enumerate(arrays)})
    return buffer.getvalue()


def decode_arrays(data: bytes, dtypes: list[str]) -> list[np.ndarray]:
    """The arrays of `encode_arrays`, viewed back as `dtypes`."""
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = [npz[str(i)] for i in range(len(dtypes))]
    return [_restore(a, d) for a, d in zip(arrays, dtypes, strict=True)]


def write(filepath: str, manifest: dict, entries: dict[str, bytes]) -> None:
    """Writes the manifest and entries to a zip at `filepath`, atomically."""
    folder = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(folder, exist_ok=True)

    def write_zip(path: str) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
            for name, data in entries.items():
                archive.writestr(name, bytes(data))

    atomic_write(filepath, write_zip)


def read(filepath: str) -> tuple[dict, dict[str, bytes]]:
    """Reads an export file: its manifest and the entries it names.

    Raises:
        ValueError: the file is not an ember export, is of a newer format
            version, or lacks an entry its manifest names.
    """
    filepath = os.fspath(filepath)
    if not zipfile.is_zipfile(filepath):
        raise ValueError(
            f"'{filepath}' is not an ember export file (a zip written by "
            "`model.export` or `ExportArchive.write_out`)."
        )
    with zipfile.ZipFile(filepath) as archive:
        names = set(archive.namelist())
        if MANIFEST not in names:
            raise ValueError(f"'{filepath}' has no {MANIFEST}.")
        manifest = json.loads(archive.read(MANIFEST))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ValueError(
                f"'{filepath}' is not an ember export file: its manifest "
                f"does not say format={FORMAT!r}."
            )
        version = manifest.get("format_version")
        if not isinstance(version, int) or version > VERSION:
            raise ValueError(
                f"'{filepath}' has format_version {version!r}; this ember "
                f"reads versions up to {VERSION}."
            )
        _check_manifest(filepath, manifest)
        wanted = [e["file"] for e in manifest["endpoints"]] + [
            c["file"] for c in manifest["variable_collections"]
        ]
        missing = [name for name in wanted if name not in names]
        if missing:
            raise ValueError(f"'{filepath}' lacks entries {missing}.")
        entries = {name: archive.read(name) for name in wanted}
    return manifest, entries


def _check_manifest(filepath: str, manifest: dict) -> None:
    fields = {
        "endpoints": {"name": str, "file": str, "inputs": list},
        "variable_collections": {"name": str, "file": str, "dtypes": list},
    }
    for section, needed in fields.items():
        entries = manifest.get(section)
        ok = isinstance(entries, list) and all(
            isinstance(entry, dict)
            and all(isinstance(entry.get(k), v) for k, v in needed.items())
            for entry in entries
        )
        if not ok:
            raise ValueError(
                f"'{filepath}' has a malformed manifest: `{section}` must be "
                f"a list of objects with fields {sorted(needed)}."
            )
    if not manifest["endpoints"]:
        raise ValueError(f"'{filepath}' has no endpoints.")
    default = manifest.get("default_endpoint")
    if default not in [e["name"] for e in manifest["endpoints"]]:
        raise ValueError(
            f"'{filepath}' has a malformed manifest: default_endpoint "
            f"{default!r} is not one of its endpoints."
        )


def _storable(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array)
    if array.dtype.isbuiltin == 1:
        return array
    return array.view(f"uint{array.dtype.itemsize * 8}")


def _restore(array: np.ndarray, dtype: str) -> np.ndarray:
    if array.dtype.name == dtype:
        return array
    import jax.numpy as jnp

    return array.view(jnp.dtype(dtype))
