"""Merging layers: elementwise merges, `Concatenate` and `Dot`."""
