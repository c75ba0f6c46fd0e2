"""Preprocessing layers: rescaling, normalization, image augmentation,
and vocabularies for text and categories."""
