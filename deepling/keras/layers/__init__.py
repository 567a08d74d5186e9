"""keras.layers: layers that build their weights on first use."""

from .attention import Attention as Attention
from .attention import MultiHeadAttention as MultiHeadAttention
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
from .lookup import IntegerLookup as IntegerLookup
from .lookup import StringLookup as StringLookup
from .masking import Masking as Masking
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
from .recurrent import GRU as GRU
from .recurrent import LSTM as LSTM
from .recurrent import RNN as RNN
from .recurrent import SimpleRNN as SimpleRNN
from .recurrent import StackedRNNCells as StackedRNNCells
from .rnn_cells import GRUCell as GRUCell
from .rnn_cells import LSTMCell as LSTMCell
from .rnn_cells import SimpleRNNCell as SimpleRNNCell
from .text_vectorization import TextVectorization as TextVectorization
from .wrappers import Bidirectional as Bidirectional
from .wrappers import TimeDistributed as TimeDistributed

# isort: split
from .activation_layers import Softmax as Softmax
from .core import Identity as Identity
from .core import Lambda as Lambda
from .reshaping import Permute as Permute
from .reshaping import RepeatVector as RepeatVector
