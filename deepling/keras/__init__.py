"""deepling.keras: Keras 3's names and tf.keras's import paths over deepling's one core (it
follows Keras 3.15.0, accepting tf.keras 2's spellings where tutorials still use them).

`from tensorflow.keras.models import Sequential` becomes `from deepling.keras.models import
Sequential`; `from tensorflow import keras` and `import keras` become `from deepling import keras`.
"""

__version__ = "3.15.0"  # the Keras release whose names, defaults and printing deepling follows

from . import activations as activations
from . import backend as backend
from . import callbacks as callbacks
from . import constraints as constraints
from . import initializers as initializers
from . import layers as layers
from . import losses as losses
from . import metrics as metrics
from . import models as models
from . import ops as ops
from . import optimizers as optimizers
from . import preprocessing as preprocessing
from . import random as random
from . import regularizers as regularizers
from . import utils as utils
from .layers import Input as Input
from .models import Model as Model
from .models import Sequential as Sequential
from .variables import Variable as Variable


def version() -> str:
    """The Keras version this face follows."""
    return __version__


def __getattr__(name: str):
    if name == "datasets":  # data sets load on first use (they may read or download files)
        import importlib

        return importlib.import_module(f"{__name__}.datasets")
    raise AttributeError(f"module 'deepling.keras' has no attribute {name!r}")
