"""torch.nn.functional's names (`import deepling.nn.functional as F`): one row per name over
deepling/ops, by kind: activations, losses, and the functional forms of layers."""

from .activation import elu as elu
from .activation import gelu as gelu
from .activation import leaky_relu as leaky_relu
from .activation import log_softmax as log_softmax
from .activation import relu as relu
from .activation import sigmoid as sigmoid
from .activation import silu as silu
from .activation import softmax as softmax
from .activation import softplus as softplus
from .activation import tanh as tanh
from .attention import scaled_dot_product_attention as scaled_dot_product_attention
from .layers import batch_norm as batch_norm
from .layers import dropout as dropout
from .layers import embedding as embedding
from .layers import layer_norm as layer_norm
from .layers import linear as linear
from .layers import one_hot as one_hot
from .layers import pad as pad
from .loss import binary_cross_entropy as binary_cross_entropy
from .loss import binary_cross_entropy_with_logits as binary_cross_entropy_with_logits
from .loss import cross_entropy as cross_entropy
from .loss import huber_loss as huber_loss
from .loss import l1_loss as l1_loss
from .loss import mse_loss as mse_loss
from .loss import nll_loss as nll_loss
from .loss import smooth_l1_loss as smooth_l1_loss
