"""keras.callbacks: the training loop's callbacks under tf.keras's import path."""

from ..callbacks import BackupAndRestore as BackupAndRestore
from ..callbacks import Callback as Callback
from ..callbacks import CallbackList as CallbackList
from ..callbacks import CSVLogger as CSVLogger
from ..callbacks import EarlyStopping as EarlyStopping
from ..callbacks import History as History
from ..callbacks import LambdaCallback as LambdaCallback
from ..callbacks import LearningRateScheduler as LearningRateScheduler
from ..callbacks import ModelCheckpoint as ModelCheckpoint
from ..callbacks import ReduceLROnPlateau as ReduceLROnPlateau
from ..callbacks import TerminateOnNaN as TerminateOnNaN
