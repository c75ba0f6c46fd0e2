"""Reshaping layers: `Flatten`, `Reshape`."""
