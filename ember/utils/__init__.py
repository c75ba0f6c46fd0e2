"""ember.utils: helpers for users, as `keras.utils`."""

from ember.core.seed import set_random_seed

# -- arrays, sequences, progress, session, saving aliases, PyDataset ----------
from ember.saving import CustomObjectScope
from ember.saving import custom_object_scope
from ember.saving import deserialize_keras_object
from ember.saving import get_custom_objects
from ember.saving import get_registered_name
from ember.saving import get_registered_object
from ember.saving import register_keras_serializable
from ember.saving import serialize_keras_object
from ember.training.data import unpack_x_y_sample_weight
from ember.training.data.py_dataset import PyDataset
from ember.training.data.py_dataset import PyDataset as Sequence
from ember.utils.file_utils import get_file
from ember.utils.model_visualization import model_to_dot
from ember.utils.model_visualization import plot_model
from ember.utils.numerical_utils import normalize
from ember.utils.numerical_utils import to_categorical
from ember.utils.progbar import Progbar
from ember.utils.sequence_utils import pad_sequences
from ember.utils.session import clear_session
