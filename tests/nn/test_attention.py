"""F.scaled_dot_product_attention, nn.MultiheadAttention and the Transformer encoder against
PyTorch with copied weights: outputs, attention weights, and the gradients of inputs and
every weight, with each kind of mask."""

import numpy as np
import pytest

import deepling as dl

torch = pytest.importorskip("torch")
N, L, S, E, HEADS = 2, 4, 5, 6, 2


def _copy(ours, theirs):
    ours.load_state_dict({k: dl.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})


def _leaves(*arrays):
    return ([dl.tensor(a, requires_grad=True) for a in arrays],
            [torch.tensor(a, requires_grad=True) for a in arrays])  # fmt: skip


def _check(ours, theirs, ours_in, theirs_in, ours_mod=None, theirs_mod=None):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=1e-10)
    w = np.random.default_rng(3).standard_normal(tuple(theirs.shape))
    (ours * dl.tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    for a, b in zip(ours_in, theirs_in):
        np.testing.assert_allclose(a.grad.detach().numpy(), b.grad.detach().numpy(), atol=1e-10)
    if ours_mod is not None:
        for (name, p), (_, q) in zip(ours_mod.named_parameters(), theirs_mod.named_parameters()):
            np.testing.assert_allclose(
                p.grad.detach().numpy(), q.grad.detach().numpy(), atol=1e-10, err_msg=name
            )


RNG = np.random.default_rng(0)
BOOL_MASK = RNG.random((L, S)) > 0.3
BOOL_MASK[:, 0] = True


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"is_causal": True}, {"attn_mask": BOOL_MASK}, {"attn_mask": RNG.standard_normal((L, S))},
     {"scale": 0.3}],
    ids=["plain", "causal", "bool", "float", "scale"],
)  # fmt: skip
def test_sdpa_matches_pytorch(kwargs):
    rng = np.random.default_rng(1)
    arrays = [
        rng.standard_normal(s) for s in [(N, HEADS, L, E), (N, HEADS, S, E), (N, HEADS, S, 3)]
    ]
    ours_in, theirs_in = _leaves(*arrays)
    mask = kwargs.get("attn_mask")
    t_kwargs = dict(kwargs, **({"attn_mask": torch.tensor(mask)} if mask is not None else {}))
    o_kwargs = dict(kwargs, **({"attn_mask": dl.tensor(mask)} if mask is not None else {}))
    if kwargs.get("is_causal"):  # torch's causal mask is square-aligned: use L == S
        arrays = [a[:, :, :L] for a in arrays]
        ours_in, theirs_in = _leaves(*arrays)
    ours = dl.nn.functional.scaled_dot_product_attention(*ours_in, **o_kwargs)
    theirs = torch.nn.functional.scaled_dot_product_attention(*theirs_in, **t_kwargs)
    _check(ours, theirs, ours_in, theirs_in)


def test_sdpa_grouped_query_heads():
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(s) for s in [(1, 4, L, E), (1, 2, S, E), (1, 2, S, E)]]
    ours_in, theirs_in = _leaves(*arrays)
    ours = dl.nn.functional.scaled_dot_product_attention(*ours_in, enable_gqa=True)
    theirs = torch.nn.functional.scaled_dot_product_attention(*theirs_in, enable_gqa=True)
    _check(ours, theirs, ours_in, theirs_in)


MHA_CASES = {
    "plain": {},
    "batch_first": {"batch_first": True},
    "key_padding": {"key_padding_mask": np.array([[False] * 4 + [True], [False] * 5])},
    "attn_mask_bool": {"attn_mask": ~BOOL_MASK},
    "attn_mask_float_3d": {"attn_mask": RNG.standard_normal((N * HEADS, L, S))},
    "per_head_weights": {"average_attn_weights": False},
    "kdim_vdim": {"kdim": 3, "vdim": 4},
    "no_bias": {"bias": False},
}


@pytest.mark.parametrize("name", list(MHA_CASES))
def test_multihead_attention_matches_pytorch(name):
    options = dict(MHA_CASES[name])
    ctor = {k: options.pop(k) for k in ("batch_first", "kdim", "vdim", "bias") if k in options}
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(E, HEADS, **ctor).double()
    ours = dl.nn.MultiheadAttention(E, HEADS, **ctor).double()
    _copy(ours, theirs)
    rng = np.random.default_rng(4)
    bf = ctor.get("batch_first", False)

    def shape(n):
        return (N, n) if bf else (n, N)

    arrays = [rng.standard_normal((*shape(L), E)), rng.standard_normal((*shape(S), ctor.get("kdim", E))),
              rng.standard_normal((*shape(S), ctor.get("vdim", E)))]  # fmt: skip
    ours_in, theirs_in = _leaves(*arrays)
    t_opts = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in options.items()}
    o_opts = {k: dl.tensor(v) if isinstance(v, np.ndarray) else v for k, v in options.items()}
    out_o, w_o = ours(*ours_in, **o_opts)
    out_t, w_t = theirs(*theirs_in, **t_opts)
    np.testing.assert_allclose(w_o.detach().numpy(), w_t.detach().numpy(), atol=1e-10)
    _check(out_o, out_t, ours_in, theirs_in, ours, theirs)


def test_multihead_attention_unbatched_and_no_weights():
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(E, HEADS).double()
    ours = dl.nn.MultiheadAttention(E, HEADS).double()
    _copy(ours, theirs)
    x = np.random.default_rng(5).standard_normal((L, E))
    out_o, w_o = ours(dl.tensor(x), dl.tensor(x), dl.tensor(x))
    out_t, w_t = theirs(*(torch.tensor(x),) * 3)
    np.testing.assert_allclose(out_o.detach().numpy(), out_t.detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(w_o.detach().numpy(), w_t.detach().numpy(), atol=1e-10)
    assert ours(dl.tensor(x), dl.tensor(x), dl.tensor(x), need_weights=False)[1] is None


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_multihead_attention_all_keys_masked_is_nan_as_pytorch():
    mha = dl.nn.MultiheadAttention(E, HEADS, batch_first=True)
    x = dl.randn(1, 3, E)
    out, _ = mha(x, x, x, key_padding_mask=dl.tensor([[True, True, True]]))
    assert np.isnan(out.detach().numpy()).all()


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer_encoder_matches_pytorch(norm_first, activation, batch_first):
    torch.manual_seed(0)
    kw = dict(dim_feedforward=8, dropout=0.0, activation=activation, batch_first=batch_first,
              norm_first=norm_first)  # fmt: skip
    final = (torch.nn.LayerNorm(E), dl.nn.LayerNorm(E))
    theirs = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(E, HEADS, **kw), 2,
                                         norm=final[0], enable_nested_tensor=False).double()  # fmt: skip
    ours = dl.nn.TransformerEncoder(dl.nn.TransformerEncoderLayer(E, HEADS, **kw), 2,
                                    norm=final[1]).double()  # fmt: skip
    _copy(ours, theirs)
    x = np.random.default_rng(6).standard_normal((N, L, E) if batch_first else (L, N, E))
    pad = np.array([[False, False, False, True], [False] * 4])
    ours_in, theirs_in = _leaves(x)
    out_o = ours(ours_in[0], src_key_padding_mask=dl.tensor(pad))
    out_t = theirs(theirs_in[0], src_key_padding_mask=torch.tensor(pad))
    _check(out_o, out_t, ours_in, theirs_in, ours, theirs)


def test_transformer_layers_are_independent_copies():
    layer = dl.nn.TransformerEncoderLayer(E, HEADS, dim_feedforward=8)
    enc = dl.nn.TransformerEncoder(layer, 3)
    assert len(list(enc.parameters())) == 3 * len(list(layer.parameters()))
    enc.layers[0].linear1.weight.data.fill_(0.0)
    assert not np.allclose(enc.layers[1].linear1.weight.detach().numpy(), 0)


def test_causal_mask_and_bad_shapes():
    mha = dl.nn.MultiheadAttention(E, HEADS)
    x = dl.randn(L, N, E)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        mha(x, x, x, is_causal=True)
    with pytest.raises(AssertionError, match="expecting embedding dimension of 6, but got 5"):
        mha(dl.randn(L, N, 5), x, x)
    with pytest.raises(RuntimeError, match="The shape of the 2D attn_mask is \\(3, 3\\)"):
        mha(x, x, x, attn_mask=dl.ones(3, 3, dtype=dl.bool))
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        dl.nn.MultiheadAttention(5, 2)
