"""torch.nn.utils's names: gradient clipping and parameter/vector conversion."""

from . import rnn as rnn
from .clip_grad import clip_grad_norm_ as clip_grad_norm_
from .clip_grad import clip_grad_value_ as clip_grad_value_
from .clip_grad import parameters_to_vector as parameters_to_vector
from .clip_grad import vector_to_parameters as vector_to_parameters
