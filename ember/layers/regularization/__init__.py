"""Regularization layers: dropout variants, noise, activity penalties."""
