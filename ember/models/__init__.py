"""ember.models: Model, Sequential and the functional graph."""

from ember.core.family import Family
from ember.core.family import register
from ember.models._model_config import model_from_json
from ember.models.cloning import clone_model
from ember.models.functional import Functional
from ember.models.model import Model
from ember.models.sequential import Sequential
from ember.saving.saving_api import load_model
from ember.saving.saving_api import save_model

_FAMILY = register(
    Family(
        "model",
        "keras.models",
        (Functional, Sequential),
        aliases={"Model": Functional},
    )
)
