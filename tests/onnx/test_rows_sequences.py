"""Sequence ops, once they exist (branch sequences): recurrent layers export through their
cells' `compose` (unrolled over time), SafeSoftmax through its row."""

import numpy as np
import pytest

pytest.importorskip("onnxruntime")
recurrent = pytest.importorskip("deepling.ops.recurrent")

import deepling as dl  # noqa: E402
import deepling.nn as nn  # noqa: E402

from .helpers import Fn, close, run, session  # noqa: E402


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_recurrent_layers_match_deepling(kind):
    if not hasattr(nn, kind):
        pytest.skip(f"nn.{kind} is not in this build")

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = getattr(nn, kind)(3, 5, batch_first=True, num_layers=2, bidirectional=True)
            self.fc = nn.Linear(10, 2)

        def forward(self, x):
            out, _ = self.rnn(x)
            return self.fc(out[:, -1])

    model = Tagger().eval()
    x = dl.randn(4, 6, 3)
    sess, _ = session(model, x)
    (got,) = run(sess, x.numpy())
    close(got, model(x), rtol=1e-4, atol=1e-5)


def test_safe_softmax_rows_of_minus_infinity_give_zeros():
    attention = pytest.importorskip("deepling.ops.attention")
    x = dl.tensor(np.array([[1.0, -np.inf, 2.0], [-np.inf, -np.inf, -np.inf]], np.float32))
    sess, _ = session(Fn(attention.safe_softmax), x)
    (got,) = run(sess, x.numpy())
    close(got, attention.safe_softmax(x))
