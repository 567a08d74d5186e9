"""tf.distribute's names: strategies whose `scope()` makes Keras's `fit` data-parallel."""

from .strategy import MirroredStrategy as MirroredStrategy
from .strategy import MultiWorkerMirroredStrategy as MultiWorkerMirroredStrategy
from .strategy import ReduceOp as ReduceOp
from .strategy import Strategy as Strategy
from .strategy import get_strategy as get_strategy
from .strategy import has_strategy as has_strategy
