"""ember.dtype_policies: dtype policies, as `keras.dtype_policies`."""

from ember.dtype_policies._lookup import deserialize
from ember.dtype_policies._lookup import get
from ember.dtype_policies._lookup import serialize
from ember.dtype_policies.dtype_policy import DTypePolicy
from ember.dtype_policies.dtype_policy import FloatDTypePolicy
