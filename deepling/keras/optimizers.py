"""keras.optimizers: the optimizer rules with Keras's names, defaults and formulas."""

from ..tf.optimizers import SGD as SGD
from ..tf.optimizers import Adadelta as Adadelta
from ..tf.optimizers import Adagrad as Adagrad
from ..tf.optimizers import Adam as Adam
from ..tf.optimizers import Adamax as Adamax
from ..tf.optimizers import AdamW as AdamW
from ..tf.optimizers import Nadam as Nadam
from ..tf.optimizers import Optimizer as Optimizer
from ..tf.optimizers import RMSprop as RMSprop
from ..tf.optimizers import get as get
