"""ember.layers: the Layer base class and every built-in layer."""

from ember.layers.activations.elu import ELU
from ember.layers.activations.leaky_relu import LeakyReLU
from ember.layers.activations.prelu import PReLU
from ember.layers.activations.relu import ReLU
from ember.layers.activations.softmax import Softmax
from ember.layers.convolutional.conv1d import Conv1D
from ember.layers.convolutional.conv1d import Conv1D as Convolution1D
from ember.layers.convolutional.conv2d import Conv2D
from ember.layers.convolutional.conv2d import Conv2D as Convolution2D
from ember.layers.convolutional.conv3d import Conv3D
from ember.layers.convolutional.conv3d import Conv3D as Convolution3D
from ember.layers.core.activation import Activation
from ember.layers.core.dense import Dense
from ember.layers.core.identity import Identity
from ember.layers.core.input_layer import Input
from ember.layers.core.input_layer import InputLayer
from ember.layers.core.lambda_layer import Lambda
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer
from ember.layers.normalization.batch_normalization import BatchNormalization
from ember.layers.normalization.group_normalization import GroupNormalization
from ember.layers.normalization.layer_normalization import LayerNormalization
from ember.layers.normalization.unit_normalization import UnitNormalization
from ember.layers.pooling.average_pooling1d import AveragePooling1D
from ember.layers.pooling.average_pooling1d import AveragePooling1D as AvgPool1D
from ember.layers.pooling.average_pooling2d import AveragePooling2D
from ember.layers.pooling.average_pooling2d import AveragePooling2D as AvgPool2D
from ember.layers.pooling.average_pooling3d import AveragePooling3D
from ember.layers.pooling.average_pooling3d import AveragePooling3D as AvgPool3D
from ember.layers.pooling.max_pooling1d import MaxPooling1D
from ember.layers.pooling.max_pooling1d import MaxPooling1D as MaxPool1D
from ember.layers.pooling.max_pooling2d import MaxPooling2D
from ember.layers.pooling.max_pooling2d import MaxPooling2D as MaxPool2D
from ember.layers.pooling.max_pooling3d import MaxPooling3D
from ember.layers.pooling.max_pooling3d import MaxPooling3D as MaxPool3D
from ember.layers.regularization.activity_regularization import (
    ActivityRegularization,
)
from ember.layers.regularization.alpha_dropout import AlphaDropout
from ember.layers.regularization.dropout import Dropout
from ember.layers.regularization.gaussian_dropout import GaussianDropout
from ember.layers.regularization.gaussian_noise import GaussianNoise
from ember.layers.regularization.spatial_dropout1d import SpatialDropout1D
from ember.layers.regularization.spatial_dropout2d import SpatialDropout2D
from ember.layers.regularization.spatial_dropout3d import SpatialDropout3D
from ember.layers.reshaping.flatten import Flatten
from ember.layers.reshaping.reshape import Reshape
