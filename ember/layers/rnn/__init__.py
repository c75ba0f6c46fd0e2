"""Recurrent layers: RNN, SimpleRNN, LSTM, GRU, their cells and stacking;
Bidirectional and TimeDistributed."""
