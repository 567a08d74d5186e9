"""deepling.optim: torch.optim's names. Each optimizer is one update rule that also serves the
Keras/TF face (`deepling.keras.optimizers`) through named switches and `apply_gradients`."""

from . import lr_scheduler as lr_scheduler
from .adadelta import Adadelta as Adadelta
from .adagrad import Adagrad as Adagrad
from .adam import Adam as Adam
from .adam import AdamW as AdamW
from .adamax import Adamax as Adamax
from .nadam import NAdam as NAdam
from .optimizer import Optimizer as Optimizer
from .rmsprop import RMSprop as RMSprop
from .sgd import SGD as SGD
