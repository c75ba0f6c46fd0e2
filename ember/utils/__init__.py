"""ember.utils: helpers for users, as `keras.utils`."""

from ember.core.seed import set_random_seed
from ember.utils.file_utils import get_file
