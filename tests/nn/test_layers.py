"""Every layer against torch.nn with identical parameters: outputs, input and parameter
gradients, parameter names and shapes; plus one SGD step and a state_dict round trip."""

import numpy as np
import pytest

import deepling as dl
from deepling import nn
from tests.helpers import requires_torch

# (name, builder taking the nn namespace, input shape or an int array for Embedding)
LAYERS = [
    ("Linear", lambda nn: nn.Linear(4, 3), (5, 4)),
    ("Linear-3d", lambda nn: nn.Linear(4, 3), (2, 5, 4)),
    ("Linear-nobias", lambda nn: nn.Linear(4, 3, bias=False), (5, 4)),
    ("Identity", lambda nn: nn.Identity(), (3, 4)),
    ("Flatten", lambda nn: nn.Flatten(), (2, 3, 2, 2)),
    ("Flatten-1-2", lambda nn: nn.Flatten(1, 2), (2, 3, 2, 2)),
    ("ReLU", lambda nn: nn.ReLU(), (3, 4)),
    ("Sigmoid", lambda nn: nn.Sigmoid(), (3, 4)),
    ("Tanh", lambda nn: nn.Tanh(), (3, 4)),
    ("Softmax", lambda nn: nn.Softmax(dim=1), (3, 4)),
    ("Softmax-0", lambda nn: nn.Softmax(dim=0), (3, 4)),
    ("LogSoftmax", lambda nn: nn.LogSoftmax(dim=1), (3, 4)),
    ("LeakyReLU", lambda nn: nn.LeakyReLU(0.2), (3, 4)),
    ("ELU", lambda nn: nn.ELU(0.5), (3, 4)),
    ("GELU", lambda nn: nn.GELU(), (3, 4)),
    ("GELU-tanh", lambda nn: nn.GELU("tanh"), (3, 4)),
    ("Softplus", lambda nn: nn.Softplus(2.0, 1.0), (3, 4)),
    ("SiLU", lambda nn: nn.SiLU(), (3, 4)),
    ("Dropout-eval", lambda nn: nn.Dropout(0.5).eval(), (3, 4)),
    ("BatchNorm1d", lambda nn: nn.BatchNorm1d(4), (6, 4)),
    ("BatchNorm1d-3d", lambda nn: nn.BatchNorm1d(3), (4, 3, 5)),
    ("BatchNorm1d-eval", lambda nn: nn.BatchNorm1d(4).eval(), (6, 4)),
    ("BatchNorm1d-nostats", lambda nn: nn.BatchNorm1d(4, track_running_stats=False), (6, 4)),
    ("BatchNorm1d-noaffine", lambda nn: nn.BatchNorm1d(4, affine=False), (6, 4)),
    ("BatchNorm2d", lambda nn: nn.BatchNorm2d(3), (2, 3, 4, 4)),
    ("LayerNorm", lambda nn: nn.LayerNorm(4), (3, 4)),
    ("LayerNorm-2d", lambda nn: nn.LayerNorm([3, 4]), (2, 3, 4)),
    ("Embedding", lambda nn: nn.Embedding(7, 3), np.array([[1, 2, 6], [6, 0, 1]])),
    ("Embedding-pad", lambda nn: nn.Embedding(7, 3, padding_idx=1), np.array([[1, 2], [1, 5]])),
    ("MLP", lambda nn: nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2)), (5, 4)),
]
IDS = [name for name, _, _ in LAYERS]


def _input(spec, rng):
    return spec if isinstance(spec, np.ndarray) else rng.normal(size=spec)


def _randomize(torch_module):
    """Random parameters and running statistics, so affine/bias defaults of 1 and 0 are tested."""
    import torch

    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for t in list(torch_module.parameters()) + list(torch_module.buffers()):
            if t.dtype.is_floating_point:
                t.copy_(torch.rand(t.shape, generator=gen, dtype=t.dtype) + 0.5)


@requires_torch
@pytest.mark.parametrize("name, build, spec", LAYERS, ids=IDS)
def test_layer_matches_torch(name, build, spec):
    import torch

    rng = np.random.default_rng(0)
    theirs, ours = build(torch.nn).double(), build(nn).double()
    _randomize(theirs)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in theirs.named_parameters()
    ]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})

    x = _input(spec, rng)
    floating = x.dtype.kind == "f"
    tx = torch.tensor(x, requires_grad=floating)
    dx = dl.tensor(x, requires_grad=floating)
    t_out, out = theirs(tx), ours(dx)
    assert out.shape == tuple(t_out.shape)
    np.testing.assert_allclose(out.detach().numpy(), t_out.detach().numpy(), rtol=1e-6, atol=1e-8)

    gy = rng.normal(size=out.shape)
    t_out.backward(torch.tensor(gy))
    (out * dl.tensor(gy)).sum().backward()
    if floating:
        np.testing.assert_allclose(dx.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-8)
    for (n, p), tp in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), 1e-6, 1e-8, err_msg=n)
    for (n, b), tb in zip(ours.named_buffers(), theirs.buffers()):  # running statistics
        np.testing.assert_allclose(b.numpy(), tb.numpy(), 1e-6, 1e-8, err_msg=n)


@pytest.mark.parametrize("name, build, spec", LAYERS, ids=IDS)
def test_state_dict_round_trip_gives_same_outputs(name, build, spec):
    rng = np.random.default_rng(1)
    dl.manual_seed(0)
    a = build(nn)
    dl.manual_seed(1)
    b = build(nn)
    b.train(a.training)
    saved = {k: v.numpy().copy() for k, v in a.state_dict().items()}
    b.load_state_dict(saved)
    x = dl.tensor(_input(spec, rng).astype(np.int64 if isinstance(spec, np.ndarray) else "f4"))
    a.eval(), b.eval()  # deterministic (Dropout) and no update of running statistics
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())


TRAINABLE = [entry for entry in LAYERS if list(entry[1](nn).parameters())]


@pytest.mark.parametrize("name, build, spec", TRAINABLE, ids=[e[0] for e in TRAINABLE])
def test_one_sgd_step_lowers_the_loss(name, build, spec):
    rng = np.random.default_rng(2)
    dl.manual_seed(0)
    model = build(nn)
    x_np = _input(spec, rng)
    x = dl.tensor(x_np if x_np.dtype.kind == "i" else x_np.astype(np.float32))
    target = dl.tensor(rng.normal(size=model(x).shape).astype(np.float32))

    def loss():
        d = model(x) - target
        return (d * d).mean()

    before = loss()
    before.backward()
    with dl.no_grad():
        for p in model.parameters():
            p -= 0.1 * p.grad
    assert loss().item() < before.item()


def test_linear_shapes_and_init_bounds():
    dl.manual_seed(0)
    layer = nn.Linear(100, 30)
    assert layer.weight.shape == (30, 100) and layer.bias.shape == (30,)
    assert layer.weight.dtype == np.float32
    for p in (layer.weight, layer.bias):
        assert np.abs(p.detach().numpy()).max() <= 0.1
        assert np.abs(p.detach().numpy()).max() > 0.09  # spread over the whole range
    assert layer(dl.ones(7, 100)).shape == (7, 30)
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        layer(dl.ones(7, 99))


def test_linear_draws_from_the_one_generator():
    dl.manual_seed(3)
    a = nn.Linear(3, 2).weight.detach().numpy().copy()
    dl.manual_seed(3)
    np.testing.assert_array_equal(nn.Linear(3, 2).weight.detach().numpy(), a)


def test_dropout_statistics_and_gradient():
    dl.manual_seed(0)
    drop = nn.Dropout(0.3)
    x = dl.ones(200, 500, requires_grad=True)
    y = drop(x)
    values = y.detach().numpy()
    kept = values != 0
    assert abs(1 - kept.mean() - 0.3) < 0.01
    np.testing.assert_allclose(values[kept], 1 / 0.7, rtol=1e-6)
    assert abs(values.mean() - 1) < 0.02
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), values)  # d(x * mask / 0.7)/dx


def test_dropout_eval_is_identity_and_p_bounds():
    x = dl.randn(4, 5)
    assert nn.Dropout(0.9).eval()(x) is x
    assert not nn.Dropout(1.0)(x).numpy().any()
    with pytest.raises(ValueError, match="between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)


def test_dropout_masks_repeat_with_the_seed():
    dl.manual_seed(5)
    a = nn.Dropout()(dl.ones(50)).numpy()
    dl.manual_seed(5)
    np.testing.assert_array_equal(nn.Dropout()(dl.ones(50)).numpy(), a)


@requires_torch
@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5)])
def test_batchnorm_running_stats_follow_torch(momentum, shape):
    import torch

    rng = np.random.default_rng(0)
    ours, theirs = nn.BatchNorm1d(3, momentum=momentum), torch.nn.BatchNorm1d(3, momentum=momentum)
    for step in range(4):
        x = rng.normal(step, 1 + step, size=shape).astype(np.float32)
        ours(dl.tensor(x)), theirs(torch.tensor(x))
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key].numpy(), value.numpy(), rtol=1e-5)
    x = rng.normal(size=shape).astype(np.float32)
    ours.eval(), theirs.eval()
    out = ours(dl.tensor(x)).detach().numpy()
    np.testing.assert_allclose(out, theirs(torch.tensor(x)).detach().numpy(), atol=1e-5)
    assert ours.num_batches_tracked.item() == 4  # eval mode counts nothing


def test_batchnorm_input_checks():
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(3)(dl.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(dl.ones(1, 3))
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        nn.BatchNorm1d(3)(dl.ones(2, 4))
    nn.BatchNorm1d(3).eval()(dl.ones(1, 3))  # one sample is fine with running statistics


def test_layernorm_checks_trailing_shape():
    with pytest.raises(RuntimeError, match="normalized_shape"):
        nn.LayerNorm(4)(dl.ones(4, 3))


def test_embedding_init_padding_and_errors():
    dl.manual_seed(0)
    emb = nn.Embedding(1000, 20, padding_idx=-1)
    w = emb.weight.detach().numpy()
    assert emb.padding_idx == 999 and not w[999].any()
    assert abs(w[:999].mean()) < 0.01 and abs(w[:999].std() - 1) < 0.01
    with pytest.raises(IndexError, match="index 1000 is out of range"):
        emb(dl.tensor([3, 1000]))
    frozen = nn.Embedding.from_pretrained(dl.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert not frozen.weight.requires_grad
    assert frozen(dl.tensor([1, 1])).tolist() == [[3.0, 4.0], [3.0, 4.0]]


DEVICE_LAYERS = [
    lambda device: nn.Linear(2, 3, device=device),
    lambda device: nn.BatchNorm1d(3, device=device),
    lambda device: nn.LayerNorm(3, device=device),
    lambda device: nn.Embedding(5, 3, device=device),
]


@pytest.mark.parametrize(
    "build", DEVICE_LAYERS, ids=["Linear", "BatchNorm1d", "LayerNorm", "Embedding"]
)
def test_layers_refuse_a_gpu_device_and_accept_the_cpu(build):
    with pytest.raises(RuntimeError, match="'cuda'.*deepling runs on the CPU"):
        build("cuda")
    layer = build("cpu")
    assert all(p.dtype == np.float32 for p in layer.parameters())
