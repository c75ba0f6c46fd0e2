"""Neural network ops (`keras.ops.nn`): activations, convolution, pooling,
normalization, encodings and losses, each family in its own module."""

from ember.ops.nn_activations import celu
from ember.ops.nn_activations import elu
from ember.ops.nn_activations import gelu
from ember.ops.nn_activations import glu
from ember.ops.nn_activations import hard_sigmoid
from ember.ops.nn_activations import hard_silu
from ember.ops.nn_activations import hard_swish
from ember.ops.nn_activations import leaky_relu
from ember.ops.nn_activations import log_sigmoid
from ember.ops.nn_activations import log_softmax
from ember.ops.nn_activations import relu
from ember.ops.nn_activations import relu6
from ember.ops.nn_activations import selu
from ember.ops.nn_activations import sigmoid
from ember.ops.nn_activations import silu
from ember.ops.nn_activations import softmax
from ember.ops.nn_activations import softplus
from ember.ops.nn_activations import softsign
from ember.ops.nn_activations import swish
from ember.ops.nn_attention import dot_product_attention
from ember.ops.nn_conv import conv
from ember.ops.nn_conv import conv_transpose
from ember.ops.nn_conv import depthwise_conv
from ember.ops.nn_conv import separable_conv
from ember.ops.nn_losses import binary_crossentropy
from ember.ops.nn_losses import categorical_crossentropy
from ember.ops.nn_losses import multi_hot
from ember.ops.nn_losses import one_hot
from ember.ops.nn_losses import sparse_categorical_crossentropy
from ember.ops.nn_normalization import batch_normalization
from ember.ops.nn_normalization import moments
from ember.ops.nn_normalization import normalize
from ember.ops.nn_pooling import average_pool
from ember.ops.nn_pooling import max_pool

__all__ = [
    "average_pool",
    "batch_normalization",
    "binary_crossentropy",
    "categorical_crossentropy",
    "celu",
    "conv",
    "conv_transpose",
    "depthwise_conv",
    "dot_product_attention",
    "elu",
    "gelu",
    "glu",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "max_pool",
    "moments",
    "multi_hot",
    "normalize",
    "one_hot",
    "relu",
    "relu6",
    "selu",
    "separable_conv",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "softsign",
    "sparse_categorical_crossentropy",
    "swish",
]
