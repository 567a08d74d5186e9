"""keras.layers: layers that build their weights on first use."""

from .base import Layer as Layer
from .core import Activation as Activation
from .core import Dense as Dense
from .core import Dropout as Dropout
from .core import Flatten as Flatten
from .core import Reshape as Reshape
from .embedding import Embedding as Embedding
from .functional import Input as Input
from .functional import InputLayer as InputLayer
from .functional import KerasTensor as KerasTensor
from .merging import Add as Add
from .merging import Average as Average
from .merging import Concatenate as Concatenate
from .merging import Multiply as Multiply
from .merging import Subtract as Subtract
from .merging import add as add
from .merging import average as average
from .merging import concatenate as concatenate
from .merging import multiply as multiply
from .merging import subtract as subtract
from .normalization import BatchNormalization as BatchNormalization
from .normalization import LayerNormalization as LayerNormalization
from .preprocessing import Normalization as Normalization

# isort: split
from .activation_layers import Softmax as Softmax
from .core import Identity as Identity
from .core import Lambda as Lambda
from .reshaping import Permute as Permute
from .reshaping import RepeatVector as RepeatVector
