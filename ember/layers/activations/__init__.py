"""Activation layers: ReLU, LeakyReLU, PReLU, ELU and Softmax."""
