"""Pooling layers: max and average pooling over 1 to 3 spatial dimensions."""
