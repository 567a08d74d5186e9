"""The mode a model is exported in: eval by default (torch.onnx.TrainingMode.EVAL), each
module's own mode restored afterwards."""

from __future__ import annotations

import contextlib


def is_keras(model) -> bool:
    """A Keras layer or model (deepling.keras), told apart without importing the Keras face."""
    return hasattr(model, "_weight_trainable") and isinstance(getattr(model, "name", None), str)


def _modules(model) -> list:
    return list(model.modules()) if hasattr(model, "modules") else []


@contextlib.contextmanager
def export_mode(model, mode: str):
    """EVAL: every module in eval mode for the export, then each module's previous mode back.
    PRESERVE: the model as it is, which must be eval mode. TRAINING: NotImplementedError."""
    modules = _modules(model)
    training = [m for m in modules if getattr(m, "training", False)]
    if mode == "TRAINING" or (mode == "PRESERVE" and training):
        raise NotImplementedError(
            "ONNX export of training behaviour is not supported: dropout would be exported as "
            "one fixed random mask and batch norm would update its running statistics. Call "
            "model.eval() first, or export with the default training=TrainingMode.EVAL"
        )
    before = [(m, m.training) for m in modules if hasattr(m, "training")]
    try:
        if mode == "EVAL" and training:
            model.eval()
        yield
    finally:
        for m, flag in before:
            object.__setattr__(m, "training", flag)
