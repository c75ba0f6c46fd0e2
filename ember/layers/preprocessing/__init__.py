"""Preprocessing layers: rescaling, normalization and image augmentation."""
