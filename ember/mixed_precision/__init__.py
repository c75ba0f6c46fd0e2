"""ember.mixed_precision: the legacy names of `keras.mixed_precision`.

`set_global_policy` / `global_policy` are `ember.config.set_dtype_policy` /
`ember.config.dtype_policy`; `Policy` is `DTypePolicy`; `LossScaleOptimizer`
is `ember.optimizers.LossScaleOptimizer`.
"""

from ember.dtype_policies.dtype_policy import DTypePolicy
from ember.dtype_policies.dtype_policy import DTypePolicy as Policy
from ember.dtype_policies.dtype_policy import dtype_policy
from ember.dtype_policies.dtype_policy import dtype_policy as global_policy
from ember.dtype_policies.dtype_policy import set_dtype_policy
from ember.dtype_policies.dtype_policy import (
    set_dtype_policy as set_global_policy,
)
from ember.optimizers.loss_scale_optimizer import LossScaleOptimizer
