"""The fused recurrent cells (ops/recurrent.py) against torch's own cells, in PyTorch's and
Keras's layouts, with and without masks; and their compositions."""

import numpy as np
import pytest

import deepling as dl
from deepling.ops import recurrent as R
from tests.helpers import Case, op_tests

N, IN, H = 3, 4, 2
KEEP = np.array([True, False, True])


def _shapes(gates, state=(N, H)):
    return [(N, IN), state, (gates * H, IN), (gates * H, H), (gates * H,), (gates * H,)]


def _kernel_shapes(gates, state=(N, H), bias=(None,)):
    return [(N, IN), state, (IN, gates * H), (H, gates * H), *bias]


def _torch_kept(keep, new, old):
    import torch

    return new if keep is None else torch.where(torch.tensor(keep)[:, None], new, old)


def _t_rnn(nonlinearity, keep=None):
    def run(x, h, wi, wh, bi, bh):
        import torch

        cell = torch.rnn_tanh_cell if nonlinearity == "tanh" else torch.rnn_relu_cell
        return _torch_kept(keep, cell(x, h, wi, wh, bi, bh), h)

    return run


def _t_lstm(keep=None, kernel=False):
    def run(x, s, wi, wh, bi=None, bh=None):
        import torch

        if kernel:
            wi, wh = wi.T, wh.T
        out = torch.stack(torch.lstm_cell(x, (s[0], s[1]), wi, wh, bi, bh))
        return _torch_kept(keep, out, s)

    return run


def _zr(w, axis):
    """Keras's z, r, n blocks in PyTorch's r, z, n order."""
    import torch

    z, r, n = torch.chunk(w, 3, dim=axis)
    return torch.cat([r, z, n], dim=axis)


def _t_gru(keep=None, kernel=False):
    def run(x, h, wi, wh, bi=None, bh=None):
        import torch

        if kernel:
            wi, wh = _zr(wi, 1).T, _zr(wh, 1).T
            bi = None if bi is None else _zr(bi, 0)
            bh = None if bh is None else _zr(bh, 0)
        return _torch_kept(keep, torch.gru_cell(x, h, wi, wh, bi, bh), h)

    return run


def _t_gru_reset_before(x, h, k, u, b):
    """Keras's GRU with reset_after=False, from its formula."""
    import torch

    z = torch.sigmoid(x @ k[:, :H] + b[:H] + h @ u[:, :H])
    r = torch.sigmoid(x @ k[:, H : 2 * H] + b[H : 2 * H] + h @ u[:, H : 2 * H])
    n = torch.tanh(x @ k[:, 2 * H :] + b[2 * H :] + (r * h) @ u[:, 2 * H :])
    return z * h + (1 - z) * n


def _case(name, op, shapes, torch):
    return Case(op, shapes, torch, name=name)


CASES = [
    _case("rnn_tanh", R.rnn_cell, _shapes(1), _t_rnn("tanh")),
    _case(
        "rnn_relu",
        lambda *a: R.rnn_cell(*a, nonlinearity="relu"),
        _shapes(1),
        _t_rnn("relu"),
    ),
    _case(
        "rnn_tanh_keep",
        lambda *a: R.rnn_cell(*a, keep=KEEP),
        _shapes(1),
        _t_rnn("tanh", KEEP),
    ),
    _case("lstm", R.lstm_cell, _shapes(4, (2, N, H)), _t_lstm()),
    _case(
        "lstm_keep",
        lambda *a: R.lstm_cell(*a, keep=KEEP),
        _shapes(4, (2, N, H)),
        _t_lstm(KEEP),
    ),
    _case(
        "lstm_no_bias",
        lambda x, s, wi, wh: R.lstm_cell(x, s, wi, wh),
        _shapes(4, (2, N, H))[:4],
        _t_lstm(),
    ),
    _case(
        "lstm_keras_kernels",
        lambda x, s, k, u, b: R.lstm_cell(x, s, k, u, b, kernel=True),
        _kernel_shapes(4, (2, N, H), [(4 * H,)]),
        lambda x, s, k, u, b: _t_lstm(kernel=True)(x, s, k, u, b, None),
    ),
    _case("gru", R.gru_cell, _shapes(3), _t_gru()),
    _case(
        "gru_keep",
        lambda *a: R.gru_cell(*a, keep=KEEP),
        _shapes(3),
        _t_gru(KEEP),
    ),
    _case(
        "gru_keras_reset_after",
        lambda x, h, k, u, bi, bh: R.gru_cell(x, h, k, u, bi, bh, kernel=True, zr=True),
        _kernel_shapes(3, bias=[(3 * H,), (3 * H,)]),
        _t_gru(kernel=True),
    ),
    _case(
        "gru_keras_reset_before",
        lambda x, h, k, u, b: R.gru_cell(x, h, k, u, b, kernel=True, zr=True, reset_after=False),
        _kernel_shapes(3, bias=[(3 * H,)]),
        _t_gru_reset_before,
    ),
    _case(
        "gru_keras_reset_before_keep",
        lambda x, h, k, u, b: R.gru_cell(
            x, h, k, u, b, kernel=True, zr=True, reset_after=False, keep=KEEP
        ),
        _kernel_shapes(3, bias=[(3 * H,)]),
        lambda x, h, *w: _torch_kept(KEEP, _t_gru_reset_before(x, h, *w), h),
    ),
]

test_cells = op_tests(CASES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_fused_cell_equals_its_composition(case):
    arrays = case.inputs()
    tensors = [dl.tensor(a, requires_grad=True) for a in arrays]
    fused = case.run(*tensors)
    composed = fused.grad_fn.compose(*fused.grad_fn.inputs)
    np.testing.assert_allclose(fused.detach().numpy(), composed.detach().numpy(), atol=1e-12)


def test_cells_keep_float32():
    rng = np.random.default_rng(0)
    x, s = (dl.tensor(rng.standard_normal(sh).astype("float32")) for sh in [(N, IN), (2, N, H)])
    w = [dl.tensor(rng.standard_normal(sh).astype("float32"), requires_grad=True)
         for sh in [(4 * H, IN), (4 * H, H)]]  # fmt: skip
    out = R.lstm_cell(x, s, *w)
    assert out.dtype == np.float32
    out.sum().backward()
    assert w[0].grad.dtype == np.float32


def test_unbind_steps_by_halving_gives_each_step_and_its_gradient():
    x = dl.tensor(np.arange(2 * 7 * 3, dtype=float).reshape(2, 7, 3), requires_grad=True)
    steps = R.unbind_steps(x, 1)
    assert len(steps) == 7
    for t, s in enumerate(steps):
        np.testing.assert_array_equal(s.detach().numpy(), x.detach().numpy()[:, t])
    weights = np.arange(1, 8, dtype=float)
    total = sum(s.sum() * float(w) for s, w in zip(steps, weights))
    total.backward()
    np.testing.assert_array_equal(
        x.grad.detach().numpy(), np.broadcast_to(weights[None, :, None], x.shape)
    )


def test_lstm_state_must_be_stacked():
    with pytest.raises(ValueError, match="LSTM state"):
        R.lstm_cell(dl.ones(N, IN), dl.ones(N, H), dl.ones(4 * H, IN), dl.ones(4 * H, H))


def test_unknown_nonlinearity():
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'"):
        R.rnn_cell(dl.ones(1, 1), dl.ones(1, 1), dl.ones(1, 1), dl.ones(1, 1),
                   nonlinearity="sigmoid")  # fmt: skip
