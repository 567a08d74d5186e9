"""deepling.keras: tf.keras's import paths over deepling's one core.

`from tensorflow.keras.models import Sequential` becomes `from deepling.keras.models import
Sequential`; `from tensorflow import keras` becomes `from deepling import keras`.
"""

from . import activations as activations
from . import backend as backend
from . import callbacks as callbacks
from . import constraints as constraints
from . import initializers as initializers
from . import layers as layers
from . import losses as losses
from . import metrics as metrics
from . import models as models
from . import optimizers as optimizers
from . import preprocessing as preprocessing
from . import regularizers as regularizers
from . import utils as utils
from .layers import Input as Input
from .models import Model as Model
from .models import Sequential as Sequential


def __getattr__(name: str):
    if name == "datasets":  # data sets load on first use (they may read or download files)
        import importlib

        return importlib.import_module(f"{__name__}.datasets")
    raise AttributeError(f"module 'deepling.keras' has no attribute {name!r}")
