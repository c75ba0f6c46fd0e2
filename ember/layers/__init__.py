"""ember.layers: the Layer base class and every built-in layer."""

from ember.core.family import Family
from ember.core.family import register
from ember.layers._serialization import deserialize
from ember.layers._serialization import serialize
from ember.layers.activations.elu import ELU
from ember.layers.activations.leaky_relu import LeakyReLU
from ember.layers.activations.prelu import PReLU
from ember.layers.activations.relu import ReLU
from ember.layers.activations.softmax import Softmax
from ember.layers.attention.additive_attention import AdditiveAttention
from ember.layers.attention.attention import Attention
from ember.layers.attention.grouped_query_attention import GroupedQueryAttention
from ember.layers.attention.grouped_query_attention import (
    GroupedQueryAttention as GroupQueryAttention,
)
from ember.layers.attention.multi_head_attention import MultiHeadAttention
from ember.layers.convolutional.conv1d import Conv1D
from ember.layers.convolutional.conv1d import Conv1D as Convolution1D
from ember.layers.convolutional.conv1d_transpose import Conv1DTranspose
from ember.layers.convolutional.conv1d_transpose import (
    Conv1DTranspose as Convolution1DTranspose,
)
from ember.layers.convolutional.conv2d import Conv2D
from ember.layers.convolutional.conv2d import Conv2D as Convolution2D
from ember.layers.convolutional.conv2d_transpose import Conv2DTranspose
from ember.layers.convolutional.conv2d_transpose import (
    Conv2DTranspose as Convolution2DTranspose,
)
from ember.layers.convolutional.conv3d import Conv3D
from ember.layers.convolutional.conv3d import Conv3D as Convolution3D
from ember.layers.convolutional.conv3d_transpose import Conv3DTranspose
from ember.layers.convolutional.conv3d_transpose import (
    Conv3DTranspose as Convolution3DTranspose,
)
from ember.layers.convolutional.depthwise_conv1d import DepthwiseConv1D
from ember.layers.convolutional.depthwise_conv2d import DepthwiseConv2D
from ember.layers.convolutional.separable_conv1d import SeparableConv1D
from ember.layers.convolutional.separable_conv1d import (
    SeparableConv1D as SeparableConvolution1D,
)
from ember.layers.convolutional.separable_conv2d import SeparableConv2D
from ember.layers.convolutional.separable_conv2d import (
    SeparableConv2D as SeparableConvolution2D,
)
from ember.layers.core.activation import Activation
from ember.layers.core.dense import Dense
from ember.layers.core.einsum_dense import EinsumDense
from ember.layers.core.embedding import Embedding
from ember.layers.core.identity import Identity
from ember.layers.core.input_layer import Input
from ember.layers.core.input_layer import InputLayer
from ember.layers.core.lambda_layer import Lambda
from ember.layers.core.masking import Masking
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer
from ember.layers.merging.add import Add
from ember.layers.merging.add import add
from ember.layers.merging.average import Average
from ember.layers.merging.average import average
from ember.layers.merging.concatenate import Concatenate
from ember.layers.merging.concatenate import concatenate
from ember.layers.merging.dot import Dot
from ember.layers.merging.dot import dot
from ember.layers.merging.maximum import Maximum
from ember.layers.merging.maximum import maximum
from ember.layers.merging.minimum import Minimum
from ember.layers.merging.minimum import minimum
from ember.layers.merging.multiply import Multiply
from ember.layers.merging.multiply import multiply
from ember.layers.merging.subtract import Subtract
from ember.layers.merging.subtract import subtract
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
from ember.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D
from ember.layers.pooling.global_average_pooling1d import (
    GlobalAveragePooling1D as GlobalAvgPool1D,
)
from ember.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D
from ember.layers.pooling.global_average_pooling2d import (
    GlobalAveragePooling2D as GlobalAvgPool2D,
)
from ember.layers.pooling.global_average_pooling3d import GlobalAveragePooling3D
from ember.layers.pooling.global_average_pooling3d import (
    GlobalAveragePooling3D as GlobalAvgPool3D,
)
from ember.layers.pooling.global_max_pooling1d import GlobalMaxPooling1D
from ember.layers.pooling.global_max_pooling1d import (
    GlobalMaxPooling1D as GlobalMaxPool1D,
)
from ember.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D
from ember.layers.pooling.global_max_pooling2d import (
    GlobalMaxPooling2D as GlobalMaxPool2D,
)
from ember.layers.pooling.global_max_pooling3d import GlobalMaxPooling3D
from ember.layers.pooling.global_max_pooling3d import (
    GlobalMaxPooling3D as GlobalMaxPool3D,
)
from ember.layers.pooling.max_pooling1d import MaxPooling1D
from ember.layers.pooling.max_pooling1d import MaxPooling1D as MaxPool1D
from ember.layers.pooling.max_pooling2d import MaxPooling2D
from ember.layers.pooling.max_pooling2d import MaxPooling2D as MaxPool2D
from ember.layers.pooling.max_pooling3d import MaxPooling3D
from ember.layers.pooling.max_pooling3d import MaxPooling3D as MaxPool3D
from ember.layers.preprocessing.category_encoding import CategoryEncoding
from ember.layers.preprocessing.center_crop import CenterCrop
from ember.layers.preprocessing.discretization import Discretization
from ember.layers.preprocessing.hashed_crossing import HashedCrossing
from ember.layers.preprocessing.hashing import Hashing
from ember.layers.preprocessing.integer_lookup import IntegerLookup
from ember.layers.preprocessing.normalization import Normalization
from ember.layers.preprocessing.random_contrast import RandomContrast
from ember.layers.preprocessing.random_flip import RandomFlip
from ember.layers.preprocessing.random_rotation import RandomRotation
from ember.layers.preprocessing.random_translation import RandomTranslation
from ember.layers.preprocessing.random_zoom import RandomZoom
from ember.layers.preprocessing.rescaling import Rescaling
from ember.layers.preprocessing.resizing import Resizing
from ember.layers.preprocessing.string_lookup import StringLookup
from ember.layers.preprocessing.text_vectorization import TextVectorization
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
from ember.layers.reshaping.cropping1d import Cropping1D
from ember.layers.reshaping.cropping2d import Cropping2D
from ember.layers.reshaping.cropping3d import Cropping3D
from ember.layers.reshaping.flatten import Flatten
from ember.layers.reshaping.permute import Permute
from ember.layers.reshaping.repeat_vector import RepeatVector
from ember.layers.reshaping.reshape import Reshape
from ember.layers.reshaping.up_sampling1d import UpSampling1D
from ember.layers.reshaping.up_sampling2d import UpSampling2D
from ember.layers.reshaping.up_sampling3d import UpSampling3D
from ember.layers.reshaping.zero_padding1d import ZeroPadding1D
from ember.layers.reshaping.zero_padding2d import ZeroPadding2D
from ember.layers.reshaping.zero_padding3d import ZeroPadding3D
from ember.layers.rnn.bidirectional import Bidirectional
from ember.layers.rnn.conv_lstm1d import ConvLSTM1D
from ember.layers.rnn.conv_lstm2d import ConvLSTM2D
from ember.layers.rnn.conv_lstm3d import ConvLSTM3D
from ember.layers.rnn.gru import GRU
from ember.layers.rnn.gru_cell import GRUCell
from ember.layers.rnn.lstm import LSTM
from ember.layers.rnn.lstm_cell import LSTMCell
from ember.layers.rnn.rnn import RNN
from ember.layers.rnn.simple_rnn import SimpleRNN
from ember.layers.rnn.simple_rnn_cell import SimpleRNNCell
from ember.layers.rnn.stacked_rnn_cells import StackedRNNCells
from ember.layers.rnn.time_distributed import TimeDistributed


def _layer_classes(namespace: dict) -> dict:
    return {
        name: value
        for name, value in namespace.items()
        if isinstance(value, type)
        and issubclass(value, Layer)
        and not name.startswith("_")
    }


# The layers a `.keras` file may name: every class exported above, under
# its own name and the other names it goes by (`Convolution2D`).
_EXPORTED = _layer_classes(globals())
_FAMILY = register(
    Family(
        "layer",
        "keras.layers",
        [cls for name, cls in _EXPORTED.items() if name == cls.__name__],
        aliases={n: c for n, c in _EXPORTED.items() if n != c.__name__},
        hidden=(Layer, InputSpec),
    )
)
