"""ember.models: Model, Sequential and the functional graph."""

from ember.models.functional import Functional
from ember.models.model import Model
from ember.models.sequential import Sequential
