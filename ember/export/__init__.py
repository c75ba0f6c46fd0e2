"""Exporting models to run without ember (StableHLO, ONNX)."""

from ember.export.export_archive import ExportArchive
from ember.export.loading import load
