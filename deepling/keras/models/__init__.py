"""keras.models: Model (functional, subclassed or wrapping a Module), Sequential, load_model."""

from ..saving import load_model as load_model
from .functional import Functional as Functional
from .model import Model as Model
from .model import ModuleModel as ModuleModel
from .sequential import Sequential as Sequential
