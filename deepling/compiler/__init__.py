"""The tracer: run a function once and record its core Function calls, to export them (ONNX)
or replay them on new arrays (compiled steps)."""

from .replay import check_replay as check_replay
from .replay import replay as replay
from .trace import Node as Node
from .trace import Trace as Trace
from .trace import TraceError as TraceError
from .trace import Value as Value
from .trace import named_arrays as named_arrays
from .trace import trace as trace
