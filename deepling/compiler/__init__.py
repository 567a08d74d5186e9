"""Recording a function once and using the record.

- The tracer (trace.py, replay.py): the core Function calls of one forward, as a graph that
  the ONNX exporter writes out.
- The step compiler (step.py, backward_plan.py, differences.py, generated.py, graph_program.py,
  compiled.py): a whole step (forward, backward walk, optimizer updates) recorded during one
  eager run and replayed as generated array calls, behind `deepling.compile`, `tf.function`
  and Keras's `fit`.
"""

from .compiled import CompiledFunction as CompiledFunction
from .compiled import CompileWarning as CompileWarning
from .replay import check_replay as check_replay
from .replay import replay as replay
from .trace import Node as Node
from .trace import Trace as Trace
from .trace import TraceError as TraceError
from .trace import Value as Value
from .trace import named_arrays as named_arrays
from .trace import trace as trace
