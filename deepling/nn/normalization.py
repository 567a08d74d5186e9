"""Normalization layers: BatchNorm1d/2d (per channel, over the batch) and LayerNorm."""

from __future__ import annotations

from .. import _backend
from .. import recording as _recording
from ..creation import ones, tensor, zeros
from ..ops._checks import tensor_input
from . import functional as F
from .arguments import check_sizes
from .module import Module, Parameter


class _BatchNorm(Module):
    """Shared by BatchNorm1d and BatchNorm2d, which differ only in the input ranks they take."""

    _ranks: tuple = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device=None, dtype=None, *,
                 bias: bool = True):  # fmt: skip
        super().__init__()
        check_sizes(type(self).__name__, num_features=num_features)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = _backend.to_dtype(dtype) or _backend.default_float
        if affine:
            self.weight = Parameter(ones(num_features, dtype=dtype, device=device))
            self.bias = Parameter(zeros(num_features, dtype=dtype, device=device)) if bias else None
        if not affine or not bias:
            self.register_parameter("bias", None)
        if not affine:
            self.register_parameter("weight", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype, device=device))
            self.register_buffer("running_var", ones(num_features, dtype=dtype, device=device))
            self.register_buffer("num_batches_tracked", tensor(0))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
            self.num_batches_tracked._data[...] = 0

    def forward(self, input):
        tensor_input(input, type(self).__name__)
        if input.ndim not in self._ranks:
            ranks = " or ".join(f"{r}D" for r in self._ranks)
            raise ValueError(f"expected {ranks} input (got {input.ndim}D input)")
        if input.shape[1] != self.num_features:  # before the count below changes (PyTorch's
            name = "running_mean" if self.running_mean is not None else "weight"  # does)
            raise RuntimeError(
                f"{name} should contain {input.shape[1]} elements not {self.num_features}"
            )
        if self.training and self.num_features and input.numel() == self.num_features:
            raise ValueError(  # before the count changes (PyTorch counts, then raises)
                f"Expected more than 1 value per channel when training, got input size "
                f"{input.shape}"
            )
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self._count_batch()
            if self.momentum is None:  # a cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked._data)
                rec = _recording.recorder_here()  # a number from a buffer: not replayable
                if rec is not None:
                    rec.give_up("BatchNorm with momentum=None reads its batch count into Python")
        # batch statistics while training, or always when no running ones are kept
        use_batch = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if track else None,
            self.running_var if track else None,
            self.weight,
            self.bias,
            use_batch,
            momentum,
            self.eps,
        )

    @_recording.effect
    def _count_batch(self) -> None:
        """num_batches_tracked += 1 (a compiled step replays it as this call)."""
        self.num_batches_tracked._data[...] += 1

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Normalizes each of C channels over the batch: input (N, C) or (N, C, L).

    Training uses the batch's mean and (biased) variance and updates running statistics
    (variance unbiased): running = (1 - momentum) * running + momentum * batch. Eval mode uses
    the running statistics. weight starts at 1, bias at 0.

    Example:
        >>> import deepling as dl
        >>> bn = dl.nn.BatchNorm1d(2)
        >>> y = bn(dl.tensor([[1.0, 2.0], [3.0, 6.0]]))
        >>> bn.running_mean.tolist()
        [0.20000000298023224, 0.4000000059604645]
    """

    _ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """BatchNorm over (N, C, H, W) input: statistics per channel over N, H and W."""

    _ranks = (4,)


class LayerNorm(Module):
    """Normalizes over the last dims (`normalized_shape`) of each sample, then scales and shifts.

    Example:
        >>> import deepling as dl
        >>> dl.nn.LayerNorm(4)
        LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device=None, dtype=None):  # fmt: skip
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        check_sizes(
            "LayerNorm", **{f"normalized_shape[{i}]": n for i, n in enumerate(normalized_shape)}
        )
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = _backend.to_dtype(dtype) or _backend.default_float
        if elementwise_affine:
            self.weight = Parameter(ones(self.normalized_shape, dtype=dtype, device=device))
            self.bias = (
                Parameter(zeros(self.normalized_shape, dtype=dtype, device=device))
                if bias
                else None
            )
        if not elementwise_affine or not bias:
            self.register_parameter("bias", None)
        if not elementwise_affine:
            self.register_parameter("weight", None)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )
