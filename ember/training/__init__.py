"""Training: the data path, the compiled step and the fit/evaluate loop."""
