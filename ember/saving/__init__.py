"""ember.saving: saving and loading models, weights and configs."""

from ember.saving.object_registration import CustomObjectScope
from ember.saving.object_registration import custom_object_scope
from ember.saving.object_registration import get_custom_objects
from ember.saving.object_registration import get_registered_name
from ember.saving.object_registration import get_registered_object
from ember.saving.object_registration import register_keras_serializable
from ember.saving.saving_api import load_model
from ember.saving.saving_api import load_weights
from ember.saving.saving_api import save_model
from ember.saving.saving_api import save_weights
from ember.saving.serialization_lib import deserialize_keras_object
from ember.saving.serialization_lib import serialize_keras_object
