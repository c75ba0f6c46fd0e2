"""Exporting models to run without ember (StableHLO, ONNX)."""
