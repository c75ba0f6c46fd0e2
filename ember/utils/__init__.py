"""ember.utils: helpers for users, as `keras.utils`."""

from ember.core.seed import set_random_seed
