"""ONNX export: `export_onnx(model, filepath)` writes a standalone file."""

from ember.export.onnx._export import export_onnx as export_onnx
