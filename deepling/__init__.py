"""deepling: one small autograd core on NumPy with PyTorch, TensorFlow-tape and Keras faces.

`import deepling` loads NumPy and nothing else; the faces (`deepling.tf`, `deepling.keras`) and
optional parts load when first imported.
"""

from . import (
    tensor_inplace,  # noqa: F401  (binds the in-place methods of Tensor)
    tensor_methods,  # noqa: F401  (binds the operators and methods of Tensor)
)
from ._backend import get_default_dtype as get_default_dtype
from ._backend import set_default_dtype as set_default_dtype
from .autograd import ShapeError as ShapeError
from .autograd import grad as grad
from .creation import FloatTensor as FloatTensor
from .creation import Generator as Generator
from .creation import LongTensor as LongTensor
from .creation import arange as arange
from .creation import as_tensor as as_tensor
from .creation import empty as empty
from .creation import empty_like as empty_like
from .creation import eye as eye
from .creation import from_numpy as from_numpy
from .creation import full as full
from .creation import full_like as full_like
from .creation import is_floating_point as is_floating_point
from .creation import is_tensor as is_tensor
from .creation import linspace as linspace
from .creation import manual_seed as manual_seed
from .creation import normal as normal
from .creation import ones as ones
from .creation import ones_like as ones_like
from .creation import rand as rand
from .creation import rand_like as rand_like
from .creation import randint as randint
from .creation import randint_like as randint_like
from .creation import randn as randn
from .creation import randn_like as randn_like
from .creation import randperm as randperm
from .creation import tensor as tensor
from .creation import zeros as zeros
from .creation import zeros_like as zeros_like
from .devices import device as device
from .devices import get_default_device as get_default_device
from .devices import set_default_device as set_default_device
from .dtypes import bool_ as bool  # noqa: A001 (PyTorch's dtype names shadow builtins here)
from .dtypes import double as double
from .dtypes import dtype as dtype
from .dtypes import float16 as float16
from .dtypes import float32 as float
from .dtypes import float32 as float32
from .dtypes import float64 as float64
from .dtypes import half as half
from .dtypes import int8 as int8
from .dtypes import int16 as int16
from .dtypes import int32 as int
from .dtypes import int32 as int32
from .dtypes import int64 as int64
from .dtypes import long as long
from .dtypes import short as short
from .dtypes import uint8 as uint8
from .grad_mode import enable_grad as enable_grad
from .grad_mode import inference_mode as inference_mode
from .grad_mode import is_grad_enabled as is_grad_enabled
from .grad_mode import no_grad as no_grad
from .grad_mode import set_grad_enabled as set_grad_enabled
from .gradcheck import gradcheck as gradcheck
from .gradcheck import numerical_grad as numerical_grad
from .ops import *  # noqa: F403  (every op, listed in ops/__init__.py)
from .serialization import load as load  # PyTorch's format; safetensors on first use
from .serialization import save as save
from .tensor import Size as Size
from .tensor import Tensor as Tensor
from .threads import get_num_threads as get_num_threads
from .threads import set_num_threads as set_num_threads

__version__ = "0.1.0"

_SUBMODULES = (
    "nn",
    "optim",
    "utils",
    "tf",
    "keras",
    "cuda",
    "datasets",
    "plot",
    "distributed",
    "onnx",
    "vision",
    "linalg",
    "accelerator",
    "backends",
)


def __getattr__(name: str):
    """Load `deepling.nn`, `deepling.optim`, ... on first use, so `import deepling` stays light
    while `import deepling as torch; torch.nn.Linear` works as with PyTorch."""
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    if name == "compile":  # torch.compile; the compiler loads on first use
        from .compiler.compiled import compile

        return compile
    raise AttributeError(f"module 'deepling' has no attribute {name!r}")
