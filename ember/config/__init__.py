"""ember.config: global settings, as `keras.config`."""

from ember.core.config import backend
from ember.core.config import disable_flash_attention
from ember.core.config import enable_flash_attention
from ember.core.config import epsilon
from ember.core.config import floatx
from ember.core.config import image_data_format
from ember.core.config import is_flash_attention_enabled
from ember.core.config import set_epsilon
from ember.core.config import set_floatx
from ember.core.config import set_image_data_format
from ember.dtype_policies.dtype_policy import dtype_policy
from ember.dtype_policies.dtype_policy import set_dtype_policy
