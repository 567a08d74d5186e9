"""nn.RNN, nn.LSTM, nn.GRU and the cells against PyTorch with copied weights: outputs, h_n and
c_n, and the gradients of the input, the initial states and every weight, for each
configuration (layers, directions, batch_first, initial state, packed sequences)."""

import itertools

import numpy as np
import pytest

import deepling as dl
from deepling.nn.utils import rnn as dl_rnn
from tests.helpers import requires_torch

torch = pytest.importorskip("torch")
T, N, IN, H = 4, 3, 2, 3
MODES = [("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {}), ("GRU", {})]


def _pair(kind, extra, **kw):
    """A torch module and ours with the same float64 weights (copied through the state dict)."""
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(IN, H, **extra, **kw).double()
    ours = getattr(dl.nn, kind)(IN, H, **extra, **kw).double()
    ours.load_state_dict({k: dl.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    return theirs, ours


def _leaves(arrays):
    return (
        [dl.tensor(a, requires_grad=True) for a in arrays],
        [torch.tensor(a, requires_grad=True) for a in arrays],
    )


def _compare(ours_out, theirs_out, ours_leaves, theirs_leaves, ours, theirs):
    """Forward values, then gradients of a random projection of every output."""
    ours_flat = [ours_out[0], *(ours_out[1] if isinstance(ours_out[1], tuple) else [ours_out[1]])]
    theirs_flat = [
        theirs_out[0],
        *(theirs_out[1] if isinstance(theirs_out[1], tuple) else [theirs_out[1]]),
    ]
    rng = np.random.default_rng(1)
    ours_loss, theirs_loss = 0, 0
    for a, b in zip(ours_flat, theirs_flat):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-10)
        w = rng.standard_normal(tuple(b.shape))
        ours_loss = ours_loss + (a * dl.tensor(w)).sum()
        theirs_loss = theirs_loss + (b * torch.tensor(w)).sum()
    ours_loss.backward()
    theirs_loss.backward()
    for a, b in zip(ours_leaves, theirs_leaves):
        np.testing.assert_allclose(a.grad.detach().numpy(), b.grad.detach().numpy(), atol=1e-10)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(
            p.grad.detach().numpy(), q.grad.detach().numpy(), atol=1e-10, err_msg=name
        )


CONFIGS = list(itertools.product(MODES, [1, 2], [False, True], [False, True], [False, True]))


@requires_torch
@pytest.mark.parametrize(
    "mode,layers,bidirectional,batch_first,with_h0",
    CONFIGS,
    ids=lambda v: str(v[1] or v[0]) if isinstance(v, tuple) else str(v),
)
def test_layer_matches_pytorch(mode, layers, bidirectional, batch_first, with_h0):
    kind, extra = mode
    theirs, ours = _pair(kind, extra, num_layers=layers, bidirectional=bidirectional,
                         batch_first=batch_first)  # fmt: skip
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, T, IN) if batch_first else (T, N, IN))
    states = [rng.standard_normal((layers * (1 + bidirectional), N, H))]
    if kind == "LSTM":
        states.append(rng.standard_normal(states[0].shape))
    ours_in, theirs_in = _leaves([x, *states] if with_h0 else [x])
    ours_hx = theirs_hx = None
    if with_h0:
        ours_hx = tuple(ours_in[1:]) if kind == "LSTM" else ours_in[1]
        theirs_hx = tuple(theirs_in[1:]) if kind == "LSTM" else theirs_in[1]
    _compare(ours(ours_in[0], ours_hx), theirs(theirs_in[0], theirs_hx), ours_in, theirs_in,
             ours, theirs)  # fmt: skip


@requires_torch
@pytest.mark.parametrize("mode", MODES, ids=lambda m: m[0] + str(m[1]))
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_packed_sequences_match_pytorch(mode, enforce_sorted, bidirectional):
    kind, extra = mode
    theirs, ours = _pair(kind, extra, num_layers=2, bidirectional=bidirectional)
    lengths = [4, 3, 1] if enforce_sorted else [2, 4, 3]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((T, N, IN))
    h0 = [rng.standard_normal((2 * (1 + bidirectional), N, H)) for _ in range(1 + (kind == "LSTM"))]
    ours_in, theirs_in = _leaves([x, *h0])
    pack = torch.nn.utils.rnn.pack_padded_sequence
    theirs_packed = pack(theirs_in[0], lengths, enforce_sorted=enforce_sorted)
    ours_packed = dl_rnn.pack_padded_sequence(ours_in[0], lengths, enforce_sorted=enforce_sorted)
    np.testing.assert_allclose(
        ours_packed.data.detach().numpy(), theirs_packed.data.detach().numpy()
    )
    hx_o = tuple(ours_in[1:]) if kind == "LSTM" else ours_in[1]
    hx_t = tuple(theirs_in[1:]) if kind == "LSTM" else theirs_in[1]
    out_o, hn_o = ours(ours_packed, hx_o)
    out_t, hn_t = theirs(theirs_packed, hx_t)
    pad_o, len_o = dl_rnn.pad_packed_sequence(out_o, padding_value=-1.0)
    pad_t, len_t = torch.nn.utils.rnn.pad_packed_sequence(out_t, padding_value=-1.0)
    assert len_o.tolist() == len_t.tolist()
    _compare((pad_o, hn_o), (pad_t, hn_t), ours_in, theirs_in, ours, theirs)


@requires_torch
@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("unbatched", [False, True])
def test_cells_match_pytorch(kind, unbatched):
    theirs, ours = _pair(kind, {})
    rng = np.random.default_rng(0)
    shape = (IN,) if unbatched else (N, IN)
    hshape = (H,) if unbatched else (N, H)
    arrays = [rng.standard_normal(shape)] + [
        rng.standard_normal(hshape) for _ in range(2 if kind == "LSTMCell" else 1)
    ]
    ours_in, theirs_in = _leaves(arrays)
    hx_o = tuple(ours_in[1:]) if kind == "LSTMCell" else ours_in[1]
    hx_t = tuple(theirs_in[1:]) if kind == "LSTMCell" else theirs_in[1]
    out_o, out_t = ours(ours_in[0], hx_o), theirs(theirs_in[0], hx_t)
    if kind == "LSTMCell":
        out_o, out_t = (out_o[0], out_o[1:]), (out_t[0], out_t[1:])
    else:
        out_o, out_t = (out_o, ()), (out_t, ())
    _compare(out_o, out_t, ours_in, theirs_in, ours, theirs)
    default_o, default_t = ours(ours_in[0].detach()), theirs(theirs_in[0].detach())  # hx zeros
    for a, b in zip(*(o if isinstance(o, tuple) else (o,) for o in (default_o, default_t))):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-10)


@requires_torch
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_unbatched_input_matches_pytorch(kind):
    theirs, ours = _pair(kind, {}, num_layers=2)
    x = np.random.default_rng(0).standard_normal((T, IN))
    ours_in, theirs_in = _leaves([x])
    _compare(ours(ours_in[0]), theirs(theirs_in[0]), ours_in, theirs_in, ours, theirs)


def test_parameters_names_order_and_init():
    lstm = dl.nn.LSTM(4, 3, num_layers=2, bidirectional=True, bias=False)
    assert [n for n, _ in lstm.named_parameters()] == [
        "weight_ih_l0", "weight_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse",
        "weight_ih_l1", "weight_hh_l1", "weight_ih_l1_reverse", "weight_hh_l1_reverse",
    ]  # fmt: skip
    assert lstm.weight_ih_l1.shape == (12, 6)
    bound = 1 / np.sqrt(3)
    assert all(np.abs(p.detach().numpy()).max() <= bound for p in lstm.parameters())
    assert repr(lstm) == "LSTM(4, 3, num_layers=2, bias=False, bidirectional=True)"
    assert dl.nn.GRU(2, 5).weight_hh_l0.shape == (15, 5)


def test_one_sgd_step_lowers_the_loss():
    dl.manual_seed(0)
    model = dl.nn.LSTM(3, 8, batch_first=True)
    head = dl.nn.Linear(8, 1)
    x, y = dl.randn(16, 5, 3), dl.randn(16, 1)
    opt = dl.optim.SGD([*model.parameters(), *head.parameters()], lr=0.1)

    def loss():
        out, _ = model(x)
        return ((head(out[:, -1]) - y) ** 2).mean()

    before = loss()
    before.backward()
    opt.step()
    assert loss().item() < before.item()


def test_dropout_between_layers_only_in_training():
    dl.manual_seed(0)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        dl.nn.GRU(2, 3, dropout=0.5)
    model = dl.nn.GRU(2, 3, num_layers=2, dropout=0.5)
    x = dl.randn(4, 2, 2)
    a, b = model(x)[0], model(x)[0]
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    model.eval()
    np.testing.assert_array_equal(model(x)[0].detach().numpy(), model(x)[0].detach().numpy())


@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda m: m(dl.randn(5, 2, 27)), RuntimeError,
         "input.size\\(-1\\) must be equal to input_size. Expected 28, got 27"),
        (lambda m: m(dl.randn(5, 2, 28, 1)), ValueError, "LSTM: Expected input to be 2D or 3D"),
        (lambda m: m(dl.randn(5, 2, 28), (dl.zeros(1, 3, 4), dl.zeros(1, 2, 4))), RuntimeError,
         "Expected hidden\\[0\\] size \\(1, 2, 4\\), got \\[1, 3, 4\\]"),
        (lambda m: m(dl.randn(5, 2, 28), (dl.zeros(1, 2, 4), dl.zeros(2, 2, 4))), RuntimeError,
         "Expected hidden\\[1\\] size \\(1, 2, 4\\), got \\[2, 2, 4\\]"),
        (lambda m: m(dl.randn(5, 2, 28, dtype=dl.float64)), ValueError,
         "does not match weight dtype"),
    ],
)  # fmt: skip
def test_bad_input_raises_before_any_change(call, error, match):
    model = dl.nn.LSTM(28, 4)
    before = [p.detach().numpy().copy() for p in model.parameters()]
    with pytest.raises(error, match=match):
        call(model)
    assert all(np.array_equal(a, p.detach().numpy()) for a, p in zip(before, model.parameters()))


def test_batch_first_mismatch_names_the_sizes():
    with pytest.raises(RuntimeError, match="Expected hidden size \\(1, 5, 4\\), got \\[1, 2, 4\\]"):
        dl.nn.GRU(3, 4, batch_first=True)(dl.randn(2, 5, 3).transpose(0, 1), dl.zeros(1, 2, 4))


def test_constructor_checks():
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'"):
        dl.nn.RNN(2, 3, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        dl.nn.LSTM(2, 0)
    with pytest.raises(TypeError, match="batch_first should be of type bool"):
        dl.nn.LSTM(2, 3, batch_first=1)
    with pytest.raises(NotImplementedError, match="proj_size"):
        dl.nn.LSTM(2, 3, proj_size=2)
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 3 expected 2"):
        dl.nn.GRUCell(2, 3)(dl.ones(1, 3))
