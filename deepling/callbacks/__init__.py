"""Callbacks: hooks into the training loop (`fit`, `evaluate`, `predict`), with Keras's names."""

from .backup import BackupAndRestore as BackupAndRestore
from .base import Callback as Callback
from .base import CallbackList as CallbackList
from .base import History as History
from .base import LambdaCallback as LambdaCallback
from .base import TerminateOnNaN as TerminateOnNaN
from .checkpoint import ModelCheckpoint as ModelCheckpoint
from .monitor import EarlyStopping as EarlyStopping
from .monitor import ReduceLROnPlateau as ReduceLROnPlateau
from .schedule import CSVLogger as CSVLogger
from .schedule import LearningRateScheduler as LearningRateScheduler
