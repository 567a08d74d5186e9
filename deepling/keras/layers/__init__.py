"""keras.layers: layers that build their weights on first use."""

from .base import Layer as Layer
from .core import Activation as Activation
from .core import Dense as Dense
from .core import Dropout as Dropout
from .core import Flatten as Flatten
from .core import Reshape as Reshape
from .functional import Input as Input
from .functional import InputLayer as InputLayer
from .functional import KerasTensor as KerasTensor
