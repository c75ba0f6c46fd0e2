"""ExportArchive: several serving endpoints and variables in one file."""

import os
import sys
from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from ember.core.variable import Variable
from ember.export import _archive_file
from ember.export import _tracing
from ember.export._signature import standardize_signature
from ember.layers.layer import Layer

_ENDPOINT_OPTIONS = ("platforms",)


class ExportArchive:
    """Writes serving endpoints and variables to a standalone file.

    As Keras' `ExportArchive`: `track()` the layers or models the endpoints
    use, `add_endpoint()` one function per endpoint with its input
    signature, then `write_out()`. The file is not a TensorFlow SavedModel:
    it is a zip holding one serialized `jax.export` artifact (StableHLO,
    weights inside, batch dimension symbolic) per endpoint, the variable
    collections as `.npz` arrays, and a JSON manifest. Reload it with
    `ember.export.load`, or without ember with `jax.export.deserialize`.

    Example:

    >>> model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(2)])
    >>> archive = ember.export.ExportArchive()
    >>> archive.track(model)
    >>> serve = archive.add_endpoint(
    ...     name="serve",
    ...     fn=lambda x: model(x, training=False),
    ...     input_signature=[ember.InputSpec(shape=(None, 3))],
    ... )
    >>> archive.write_out("model.zip")  # doctest: +SKIP
    >>> reloaded = ember.export.load("model.zip")  # doctest: +SKIP
    >>> outputs = reloaded.serve(x)  # doctest: +SKIP
    """

    def __init__(self):
        self._tracked: list[Layer] = []
        self._endpoints: dict[str, dict] = {}
        self._collections: dict[str, list | dict] = {}

    @property
    def variables(self) -> list[Variable]:
        """The variables of the tracked layers and models."""
        return _unique(v for layer in self._tracked for v in layer.variables)

    @property
    def trainable_variables(self) -> list[Variable]:
        """The trainable variables of the tracked layers and models."""
        return [v for v in self.variables if v.trainable]

    @property
    def non_trainable_variables(self) -> list[Variable]:
        """The non-trainable variables of the tracked layers and models."""
        return [v for v in self.variables if not v.trainable]

    def track(self, resource: Layer) -> None:
        """Tracks the variables of a built layer or model.

        Endpoints read the tracked variables' values when the archive is
        written; their assignments (moving statistics, seeds) are dropped.

        Args:
            resource: a built `ember.layers.Layer` or `ember.Model`.
        """
        if not isinstance(resource, Layer):
            raise ValueError(
                "Invalid resource type. Expected an ember `Layer` or "
                f"`Model`. Received object {resource!r} of type "
                f"'{type(resource).__name__}'."
            )
        if not resource.built:
            raise ValueError(
                f'The layer provided ("{resource.name}") has not yet been '
                "built. It must be built before export: call it once on "
                "data or call `build(input_shape)`."
            )
        if all(resource is not t for t in self._tracked):
            self._tracked.append(resource)

    def add_endpoint(
        self,
        name: str,
        fn: Callable,
        input_signature: Any = None,
        **kwargs,
    ) -> Callable:
        """Registers a serving endpoint.

        `fn` is traced now, with the batch dimension symbolic, to check it
        and learn its outputs; it is exported when the archive is written,
        with the tracked variables' values at that time. Variables are
        constants of the export: assignments inside `fn` are dropped, and
        random layers in training mode (Dropout) draw from the seed state
        written, so each call of the reloaded endpoint uses the same mask
        for the same input shape.

        Args:
            name: the endpoint's name, an attribute of the reloaded archive.
            fn: a function of the inputs, e.g. `model.call` or
                `lambda x: model(x, training=False)`, using only tracked
                layers and models.
            input_signature: one entry per positional argument of `fn`:
                `ember.InputSpec`, `jax.ShapeDtypeStruct`, arrays, or lists
                and dicts of them (None dimensions stay open). Required.
            **kwargs: `platforms`, the platforms to lower for (e.g.
                `("cpu", "cuda")`); by default only the current backend.

        Returns:
            A pure function with `fn`'s arguments: it reads the tracked
            variables, and can be called inside another endpoint.

        Example:

        >>> model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(2)])
        >>> archive = ember.export.ExportArchive()
        >>> archive.track(model)
        >>> serve = archive.add_endpoint(
        ...     "serve", model.call, [ember.InputSpec(shape=(None, 3))])
        """
        taken = set(self._endpoints) | set(self._collections)
        _archive_file.check_name(name, "Endpoint", taken)
        if input_signature is None:
            raise ValueError(
                "ember cannot read the input shapes of a function: pass an "
                "`input_signature` argument to specify the shape and dtype "
                "of its arguments. Example:\n\n"
                "export_archive.add_endpoint(\n"
                "    name='call',\n"
                "    fn=model.call,\n"
                "    input_signature=[\n"
                "        ember.InputSpec(\n"
                "            shape=(None, 224, 224, 3),\n"
                "            dtype='float32',\n"
                "        )\n"
                "    ],\n"
                ")"
            )
        _check_options(kwargs)
        if not callable(fn):
            raise ValueError(
                f"Endpoint '{name}': `fn` must be callable, got "
                f"{type(fn).__name__}."
            )
        signature = standardize_signature(_NoInputs(), input_signature)
        variables = self.variables
        pure = _tracing.pure_endpoint(fn, variables)
        outputs = _tracing.output_shapes(pure, signature, self._what(name))
        self._endpoints[name] = {
            "fn": fn,
            "signature": signature,
            "outputs": outputs,
            "platforms": kwargs.get("platforms"),
        }
        return _tracing.pure_endpoint(fn, variables)

    def track_and_add_endpoint(
        self, name: str, resource: Layer, input_signature: Any, **kwargs
    ) -> Callable:
        """Tracks a layer or model and adds an endpoint calling it.

        The endpoint calls `resource(*inputs, training=False)`; when
        `resource` is a model with symbolic inputs, `input_signature` is
        checked against them (rank and fixed dimensions).

        Args:
            name: the endpoint's name.
            resource: a built layer or model.
            input_signature: as in `add_endpoint`; None uses the model's
                own inputs.
            **kwargs: as in `add_endpoint`.

        Returns:
            The pure function of `add_endpoint`.
        """
        self.track(resource)
        signature = standardize_signature(resource, input_signature)
        return self.add_endpoint(
            name, _inference_call(resource), signature, **kwargs
        )

    def add_variable_collection(self, name: str, variables: Any) -> None:
        """Registers variables to be read back from the reloaded archive.

        Their values are written with the archive (in `write_out`); the
        reloaded archive has them as an attribute: a list of numpy arrays
        (a dict for a dict of variables).

        Args:
            name: the collection's name.
            variables: a list, tuple or set (ordered by path) of
                `ember.Variable`, or a dict of them.

        Example:

        >>> model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(2)])
        >>> archive = ember.export.ExportArchive()
        >>> archive.add_variable_collection("my_vars", model.weights)
        """
        taken = set(self._endpoints) | set(self._collections)
        _archive_file.check_name(name, "Variable collection", taken)
        if isinstance(variables, set):
            variables = sorted(variables, key=lambda v: v.path)
        if not isinstance(variables, list | tuple | dict):
            raise ValueError(
                "Expected `variables` to be a list/tuple/set (or a dict). "
                f"Received instead object of type '{type(variables)}'."
            )
        values = (
            variables.values() if isinstance(variables, dict) else variables
        )
        wrong = {
            type(v).__name__ for v in values if not isinstance(v, Variable)
        }
        if wrong:
            raise ValueError(
                "Expected all elements in `variables` to be `ember.Variable` "
                f"instances. Found instead the following types: "
                f"{sorted(wrong)}"
            )
        if isinstance(variables, dict):
            self._collections[name] = dict(variables)
        else:
            self._collections[name] = list(variables)

    def write_out(
        self, filepath: Any, options: Any = None, verbose: bool = True
    ) -> None:
        """Writes the archive to one file, atomically.

        Every endpoint is exported (weights captured as constants) before
        anything is written; a failure leaves any previous file intact.

        Args:
            filepath: `str` or `pathlib.Path`: the file to write (a zip).
            options: TensorFlow's `SaveOptions` do not apply; must be None.
            verbose: print the endpoints with their inputs and outputs.
        """
        filepath = os.fspath(filepath)
        if not self._endpoints:
            raise ValueError(
                "No endpoints have been set yet. Call add_endpoint()."
            )
        if options is not None:
            raise ValueError(
                "`options` (tf.saved_model.SaveOptions) does not apply to "
                f"ember's export file; pass None. Received: {options!r}"
            )
        if os.path.isdir(filepath):
            raise ValueError(
                f"'{filepath}' is a folder: ember writes the export as one "
                "file (a zip); pass a file path, e.g. 'model.zip'."
            )
        _tracing.require_flatbuffers()
        manifest, entries = self._serialize()
        _archive_file.write(filepath, manifest, entries)
        if verbose:
            sys.stdout.write(describe(filepath, manifest) + "\n")

    def _what(self, name: str) -> str:
        owners = ", ".join(f'"{layer.name}"' for layer in self._tracked)
        return f"endpoint '{name}'" + (f" of {owners}" if owners else "")

    def _serialize(self) -> tuple[dict, dict[str, bytes]]:
        variables = self.variables
        endpoints, entries = [], {}
        for name, endpoint in self._endpoints.items():
            pure = _tracing.pure_endpoint(endpoint["fn"], variables)
            what = self._what(name)
            exported = _tracing.export_function(
                pure, endpoint["signature"], what, endpoint["platforms"]
            )
            try:
                data = exported.serialize()
            except Exception as error:
                raise _tracing.tracing_error(error, what) from error
            file = _archive_file.endpoint_file(name)
            entries[file] = bytes(data)
            endpoints.append(
                {
                    "name": name,
                    "file": file,
                    "platforms": list(exported.platforms),
                    "inputs": _describe_inputs(endpoint["signature"]),
                    "outputs": _describe_outputs(endpoint["outputs"]),
                }
            )
        collections = []
        for name, variables_ in self._collections.items():
            keys = None
            items = list(variables_)
            if isinstance(variables_, dict):
                keys, items = items, list(variables_.values())
            arrays = [np.asarray(v.value) for v in items]
            file = _archive_file.collection_file(name)
            entries[file] = _archive_file.encode_arrays(arrays)
            collections.append(
                {
                    "name": name,
                    "file": file,
                    "keys": keys,
                    "paths": [v.path for v in items],
                    "shapes": [list(a.shape) for a in arrays],
                    "dtypes": [a.dtype.name for a in arrays],
                }
            )
        manifest = {
            "format": _archive_file.FORMAT,
            "format_version": _archive_file.VERSION,
            "default_endpoint": next(iter(self._endpoints)),
            "endpoints": endpoints,
            "variable_collections": collections,
        }
        return manifest, entries


def describe(filepath: str, manifest: dict) -> str:
    """The message printed after writing: each endpoint's inputs and
    outputs (shape and dtype, None for an open dimension)."""
    lines = [
        f"Saved artifact at '{filepath}'. "
        "The following endpoints are available:"
    ]
    for endpoint in manifest["endpoints"]:
        platforms = ", ".join(endpoint["platforms"])
        lines += ["", f"* Endpoint '{endpoint['name']}' ({platforms})"]
        lines += ["  Inputs:"]
        lines += [f"    {_spec_line(s)}" for s in endpoint["inputs"]]
        lines += ["  Outputs:"]
        lines += [f"    {_spec_line(s)}" for s in endpoint["outputs"]]
    if manifest["variable_collections"]:
        lines += ["", "Variable collections:"]
        for collection in manifest["variable_collections"]:
            count = len(collection["dtypes"])
            lines.append(f"* '{collection['name']}': {count} arrays")
    return "\n".join(lines)


def _spec_line(spec: dict) -> str:
    shape = tuple(spec["shape"])
    return f"{spec['name']}: shape={shape}, dtype={spec['dtype']}"


def _describe_inputs(signature: list) -> list[dict]:
    paths = jax.tree_util.tree_flatten_with_path(list(signature))[0]
    described = []
    for path, spec in paths:
        position = f"args_{path[0].idx}{jax.tree_util.keystr(path[1:])}"
        described.append(
            {
                "name": spec.name or position,
                "position": position,
                "shape": list(spec.shape),
                "dtype": spec.dtype,
            }
        )
    return described


def _describe_outputs(outputs: Any) -> list[dict]:
    paths = jax.tree_util.tree_flatten_with_path(outputs)[0]
    return [
        {
            "name": f"output{jax.tree_util.keystr(path)}" if path else "output",
            "shape": [d if isinstance(d, int) else None for d in leaf.shape],
            "dtype": np.dtype(leaf.dtype).name,
        }
        for path, leaf in paths
    ]


def _inference_call(resource: Layer) -> Callable:
    def call(*inputs):
        return resource(*inputs, training=False)

    return call


def _check_options(kwargs: dict) -> None:
    if "jax2tf_kwargs" in kwargs or "is_static" in kwargs:
        raise ValueError(
            "'jax2tf_kwargs' and 'is_static' configure Keras' TensorFlow "
            "SavedModel export; ember writes jax.export artifacts and "
            f"accepts only {list(_ENDPOINT_OPTIONS)}."
        )
    unknown = sorted(set(kwargs) - set(_ENDPOINT_OPTIONS))
    if unknown:
        raise ValueError(
            f"Unknown export arguments {unknown}; accepted: "
            f"{list(_ENDPOINT_OPTIONS)}."
        )


def _unique(variables) -> list:
    seen, unique = set(), []
    for v in variables:
        if id(v) not in seen:
            seen.add(id(v))
            unique.append(v)
    return unique


class _NoInputs:
    """Stands in for a model without symbolic inputs, so that a plain
    function's signature is standardized but not checked."""

    name = "endpoint"
    built = True
