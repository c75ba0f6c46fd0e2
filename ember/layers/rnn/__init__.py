"""Recurrent layers and sequence wrappers."""

from ember.layers.rnn.time_distributed import TimeDistributed
