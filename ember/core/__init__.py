"""ember's core: variables, the state scope, symbolic tensors, seeds, config.

Nothing here imports anything else from ember.
"""
