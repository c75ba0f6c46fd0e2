"""`model.export(...)`: one model to a file that runs without ember."""

from typing import Any

from ember.export._signature import serving_function
from ember.export._signature import standardize_signature
from ember.export._tracing import require_flatbuffers
from ember.export.export_archive import ExportArchive
from ember.layers.layer import Layer

FORMATS = ("stablehlo", "onnx")
# Keras formats that need a framework ember does not use.
_NOT_BUILT = {
    "tf_saved_model": "TensorFlow",
    "litert": "TensorFlow (LiteRT)",
    "openvino": "OpenVINO",
    "torch": "PyTorch",
}
DEFAULT_ENDPOINT_NAME = "serve"


def export_model(
    model: Layer,
    filepath: Any,
    format: str = "stablehlo",
    verbose: bool | None = None,
    input_signature: Any = None,
    **kwargs,
) -> None:
    """Exports a model's inference forward pass to a standalone file.

    `"stablehlo"` writes ember's export file (see `ExportArchive`) with one
    endpoint, `serve`: the model called with `training=False`, weights
    inside, the batch dimension symbolic. `"onnx"` writes an ONNX model.
    Everything is checked and traced before the file is written, and the
    write is atomic.

    Args:
        model: a built model (or layer).
        filepath: `str` or `pathlib.Path`: the file to write.
        format: `"stablehlo"` (default) or `"onnx"`.
        verbose: print what was written; None means True.
        input_signature: the inputs' shapes and dtypes, a list with one
            entry per positional argument (`ember.InputSpec`,
            `jax.ShapeDtypeStruct`, arrays, or lists and dicts of them);
            None for the model's own inputs.
        **kwargs: `"stablehlo"`: `platforms` (e.g. `("cpu", "cuda")`,
            default the current backend); `"onnx"` takes none.

    Example:

    >>> export_model(model, "model.zip")  # doctest: +SKIP
    >>> ember.export.load("model.zip")(x)  # doctest: +SKIP
    """
    if format in _NOT_BUILT:
        raise ValueError(
            f'format="{format}" needs {_NOT_BUILT[format]}, which ember does '
            "not use, so ember does not write it. ember exports "
            '"stablehlo" (a jax.export artifact, the default) and "onnx".'
        )
    if format not in FORMATS:
        raise ValueError(
            f"Unrecognized format={format!r}. Supported formats are: "
            f"{list(FORMATS)}."
        )
    if verbose is None:
        verbose = True
    if not isinstance(model, Layer):
        raise ValueError(
            "Expected an ember Model or Layer to export. Received object "
            f"of type '{type(model).__name__}'."
        )
    if not model.built:
        raise ValueError(
            f'Model "{model.name}" must be built before it is exported: '
            "call it once on data or call `build(input_shape)`."
        )
    if format == "onnx":
        from ember.export.onnx import export_onnx

        if kwargs:
            raise ValueError(
                'format="onnx" takes no other arguments; received '
                f"{sorted(kwargs)}."
            )
        export_onnx(
            model,
            filepath,
            input_signature=input_signature,
            verbose=verbose,
            **kwargs,
        )
        return
    require_flatbuffers()
    signature = standardize_signature(model, input_signature)
    archive = ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        DEFAULT_ENDPOINT_NAME, serving_function(model), signature, **kwargs
    )
    archive.write_out(filepath, verbose=verbose)
