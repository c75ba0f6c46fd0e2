"""ember: the Keras 3 Models API, written natively on JAX.

Use it as Keras: `import ember as keras`.
"""

from ember import activations
from ember import config
from ember import constraints
from ember import datasets
from ember import distribution
from ember import dtype_policies
from ember import export
from ember import initializers
from ember import layers
from ember import losses
from ember import metrics
from ember import mixed_precision
from ember import models
from ember import ops
from ember import optimizers
from ember import random
from ember import regularizers
from ember import saving
from ember import utils
from ember.core.symbolic import Operation
from ember.core.symbolic import SymbolicTensor as KerasTensor
from ember.core.variable import Variable
from ember.dtype_policies.dtype_policy import DTypePolicy
from ember.dtype_policies.dtype_policy import FloatDTypePolicy
from ember.layers.core.input_layer import Input
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer
from ember.models.model import Model
from ember.models.sequential import Sequential

__version__ = "0.1.0"
