"""keras.preprocessing: tf.keras 2's text and sequence tools (Keras 3 dropped `text`; the
tutorials still use it)."""

from . import sequence as sequence
from . import text as text
