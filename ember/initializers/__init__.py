"""Initializers: objects that make the first value of a weight."""

from ember.initializers._lookup import deserialize
from ember.initializers._lookup import get
from ember.initializers._lookup import serialize
from ember.initializers.constant_initializers import Constant
from ember.initializers.constant_initializers import Constant as constant
from ember.initializers.constant_initializers import Identity
from ember.initializers.constant_initializers import (
    Identity as IdentityInitializer,
)
from ember.initializers.constant_initializers import Identity as identity
from ember.initializers.constant_initializers import Ones
from ember.initializers.constant_initializers import Ones as ones
from ember.initializers.constant_initializers import Zeros
from ember.initializers.constant_initializers import Zeros as zeros
from ember.initializers.initializer import Initializer
from ember.initializers.random_initializers import Orthogonal
from ember.initializers.random_initializers import (
    Orthogonal as OrthogonalInitializer,
)
from ember.initializers.random_initializers import Orthogonal as orthogonal
from ember.initializers.random_initializers import RandomNormal
from ember.initializers.random_initializers import RandomNormal as random_normal
from ember.initializers.random_initializers import RandomUniform
from ember.initializers.random_initializers import (
    RandomUniform as random_uniform,
)
from ember.initializers.random_initializers import TruncatedNormal
from ember.initializers.random_initializers import (
    TruncatedNormal as truncated_normal,
)
from ember.initializers.variance_scaling_initializers import GlorotNormal
from ember.initializers.variance_scaling_initializers import (
    GlorotNormal as glorot_normal,
)
from ember.initializers.variance_scaling_initializers import GlorotUniform
from ember.initializers.variance_scaling_initializers import (
    GlorotUniform as glorot_uniform,
)
from ember.initializers.variance_scaling_initializers import HeNormal
from ember.initializers.variance_scaling_initializers import (
    HeNormal as he_normal,
)
from ember.initializers.variance_scaling_initializers import HeUniform
from ember.initializers.variance_scaling_initializers import (
    HeUniform as he_uniform,
)
from ember.initializers.variance_scaling_initializers import LecunNormal
from ember.initializers.variance_scaling_initializers import (
    LecunNormal as lecun_normal,
)
from ember.initializers.variance_scaling_initializers import LecunUniform
from ember.initializers.variance_scaling_initializers import (
    LecunUniform as lecun_uniform,
)
from ember.initializers.variance_scaling_initializers import VarianceScaling
from ember.initializers.variance_scaling_initializers import (
    VarianceScaling as variance_scaling,
)
from ember.initializers.variance_scaling_initializers import compute_fans
