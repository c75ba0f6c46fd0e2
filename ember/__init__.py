"""ember: the Keras 3 Models API, written natively on JAX."""
