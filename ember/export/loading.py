"""`ember.export.load`: reads an export file back as callables and arrays."""

import os
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.export import _archive_file
from ember.export import _tracing


class Endpoint:
    """One exported function: call it with arrays, get `jax.Array`s.

    Inputs are converted to the exported dtypes (when numpy's `same_kind`
    casting allows it) and checked against the exported ranks and fixed
    dimensions; the batch dimension takes any size.

    Attributes:
        name: the endpoint's name.
        exported: the `jax.export.Exported` (e.g. for `jax.jit` or to read
            its `mlir_module()`).
        inputs: `[{"name", "shape", "dtype"}, ...]` in flat order.
        outputs: the same for the outputs.
    """

    def __init__(self, name: str, exported, inputs: list, outputs: list):
        self.name = name
        self.exported = exported
        self.inputs = inputs
        self.outputs = outputs
        # Compiled once per input shape, then dispatched without tracing.
        self._call = jax.jit(exported.call)

    def __call__(self, *args) -> Any:
        leaves, tree = jax.tree_util.tree_flatten((args, {}))
        if tree != self.exported.in_tree:
            names = [spec["name"] for spec in self.inputs]
            expected = jax.tree_util.tree_unflatten(
                self.exported.in_tree, names
            )[0]
            given = jax.tree_util.tree_map(lambda x: np.shape(x), args)
            raise ValueError(
                f"Endpoint '{self.name}' takes the arguments {expected}, got "
                f"arguments of shapes {given}."
            )
        converted = [
            self._convert(x, aval, spec)
            for x, aval, spec in zip(
                leaves, self.exported.in_avals, self.inputs, strict=True
            )
        ]
        args, _ = jax.tree_util.tree_unflatten(tree, converted)
        return self._call(*args)

    def _convert(self, x, aval, spec: dict):
        x = x if isinstance(x, jax.Array) else np.asarray(x)
        dtype = np.dtype(aval.dtype)
        if x.dtype != dtype and not np.can_cast(x.dtype, dtype, "same_kind"):
            raise ValueError(
                f"Endpoint '{self.name}' input '{spec['name']}' has dtype "
                f"{dtype.name}; cannot convert an array of {x.dtype}."
            )
        expected = tuple(spec["shape"])
        ok = len(x.shape) == len(expected) and all(
            e is None or e == g for g, e in zip(x.shape, expected, strict=True)
        )
        if not ok:
            raise ValueError(
                f"Endpoint '{self.name}' input '{spec['name']}' expects shape "
                f"{expected} (None: any size), got {tuple(x.shape)}."
            )
        return jnp.asarray(x, dtype=dtype)

    def __repr__(self) -> str:
        return f"<Endpoint '{self.name}'>"


class ExportedArtifact:
    """A reloaded export file: one attribute per endpoint (an `Endpoint`,
    callable) and per variable collection (a list or dict of numpy
    arrays). Calling the artifact calls its default endpoint: `serve` for
    `model.export`, else the first endpoint added to the `ExportArchive`.

    Attributes:
        manifest: the file's JSON manifest.
        endpoints: `{name: Endpoint}`.
        variable_collections: `{name: arrays}`.
    """

    def __init__(self, manifest: dict, endpoints: dict, collections: dict):
        self.manifest = manifest
        self.endpoints = endpoints
        self.variable_collections = collections
        for name, value in {**endpoints, **collections}.items():
            setattr(self, name, value)

    def __call__(self, *args) -> Any:
        return self.endpoints[self.manifest["default_endpoint"]](*args)

    def __repr__(self) -> str:
        return (
            f"<ExportedArtifact endpoints={list(self.endpoints)} "
            f"variable_collections={list(self.variable_collections)}>"
        )


def load(filepath: Any) -> ExportedArtifact:
    """Reloads a file written by `model.export` or `ExportArchive`.

    Nothing in the file runs as Python: the manifest is JSON, the arrays
    are read without pickle, and the endpoints are StableHLO that XLA
    compiles. The endpoints return `jax.Array`s (`np.asarray` for numpy).

    Args:
        filepath: `str` or `pathlib.Path` of the export file.

    Returns:
        An `ExportedArtifact`: `artifact(x)` or `artifact.serve(x)` runs
        the model; `artifact.my_vars` holds a variable collection.

    Example:

    >>> model.export("model.zip")  # doctest: +SKIP
    >>> reloaded = ember.export.load("model.zip")  # doctest: +SKIP
    >>> predictions = reloaded.serve(x)  # doctest: +SKIP
    """
    from jax import export

    filepath = os.fspath(filepath)
    manifest, entries = _archive_file.read(filepath)
    taken: set = set()
    for spec in manifest["endpoints"] + manifest["variable_collections"]:
        _archive_file.check_name(spec["name"], "Endpoint or collection", taken)
        taken.add(spec["name"])
    _tracing.require_flatbuffers()
    endpoints = {}
    for spec in manifest["endpoints"]:
        exported = export.deserialize(bytearray(entries[spec["file"]]))
        if len(spec["inputs"]) != len(exported.in_avals):
            raise ValueError(
                f"'{filepath}' has a malformed manifest: endpoint "
                f"'{spec['name']}' lists {len(spec['inputs'])} inputs, its "
                f"artifact takes {len(exported.in_avals)}."
            )
        endpoints[spec["name"]] = Endpoint(
            spec["name"], exported, spec["inputs"], spec["outputs"]
        )
    collections = {}
    for spec in manifest["variable_collections"]:
        arrays = _archive_file.decode_arrays(
            entries[spec["file"]], spec["dtypes"]
        )
        keys = spec.get("keys")
        collections[spec["name"]] = (
            arrays if keys is None else dict(zip(keys, arrays, strict=True))
        )
    return ExportedArtifact(manifest, endpoints, collections)
