"""deepling.onnx: export a model to ONNX (torch.onnx's names). The onnx package loads only when
`export` runs (`pip install "deepling[onnx]"`)."""

from .export import TrainingMode as TrainingMode
from .export import export as export
