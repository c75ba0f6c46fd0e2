"""ember.random: random draws, as `keras.random`.

With the same integer seed or `SeedGenerator`, each function returns the
numbers Keras' JAX backend returns, bit for bit.
"""

from ember.core.seed import SeedGenerator
from ember.random.random import beta
from ember.random.random import binomial
from ember.random.random import categorical
from ember.random.random import dropout
from ember.random.random import gamma
from ember.random.random import normal
from ember.random.random import randint
from ember.random.random import shuffle
from ember.random.random import truncated_normal
from ember.random.random import uniform
