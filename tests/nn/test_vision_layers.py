"""The vision layers of torch.nn against PyTorch with identical parameters: outputs, input and
parameter gradients, names, shapes and printing; one SGD step; PyTorch's initialisation; a
state dict saved by real PyTorch for a small CNN; errors that name the layer."""

import numpy as np
import pytest

import deepling as dl
from deepling import nn
from tests.helpers import requires_torch
from tests.nn.test_layers import _input, _randomize

LAYERS = [
    ("Conv2d", lambda nn: nn.Conv2d(3, 4, 3), (2, 3, 6, 5)),
    ("Conv2d-strided", lambda nn: nn.Conv2d(2, 4, (3, 2), stride=2, padding=(1, 0)), (2, 2, 7, 6)),
    ("Conv2d-same", lambda nn: nn.Conv2d(2, 3, 4, padding="same", bias=False), (1, 2, 5, 6)),
    ("Conv2d-groups", lambda nn: nn.Conv2d(4, 6, 3, groups=2, dilation=2), (1, 4, 7, 7)),
    ("Conv2d-depthwise", lambda nn: nn.Conv2d(3, 3, 3, groups=3, padding=1), (2, 3, 5, 5)),
    ("Conv2d-reflect", lambda nn: nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"),
     (1, 2, 5, 5)),
    ("Conv2d-circular-same", lambda nn: nn.Conv2d(2, 3, 4, padding="same",
                                                  padding_mode="circular"), (1, 2, 6, 5)),
    ("Conv2d-unbatched", lambda nn: nn.Conv2d(2, 3, 3), (2, 5, 5)),
    ("Conv1d", lambda nn: nn.Conv1d(3, 4, 3, stride=2, padding=1), (2, 3, 9)),
    ("Conv1d-replicate", lambda nn: nn.Conv1d(2, 2, 3, padding=2, padding_mode="replicate"),
     (2, 2, 6)),
    ("ConvTranspose2d", lambda nn: nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1,
                                                      output_padding=1), (2, 3, 4, 4)),
    ("ConvTranspose2d-groups", lambda nn: nn.ConvTranspose2d(4, 6, 2, groups=2), (1, 4, 3, 3)),
    ("ConvTranspose1d", lambda nn: nn.ConvTranspose1d(3, 2, 4, stride=2), (2, 3, 5)),
    ("MaxPool2d", lambda nn: nn.MaxPool2d(2), (2, 3, 6, 6)),
    ("MaxPool2d-ceil", lambda nn: nn.MaxPool2d(3, 2, 1, ceil_mode=True), (2, 3, 6, 7)),
    ("MaxPool1d", lambda nn: nn.MaxPool1d(3, 2), (2, 3, 9)),
    ("AvgPool2d", lambda nn: nn.AvgPool2d(3, 2, 1, count_include_pad=False), (2, 3, 6, 7)),
    ("AvgPool1d", lambda nn: nn.AvgPool1d(2), (2, 3, 8)),
    ("AdaptiveAvgPool2d", lambda nn: nn.AdaptiveAvgPool2d((3, 2)), (2, 3, 7, 5)),
    ("AdaptiveAvgPool1d", lambda nn: nn.AdaptiveAvgPool1d(3), (2, 3, 7)),
    ("AdaptiveMaxPool2d", lambda nn: nn.AdaptiveMaxPool2d(2), (2, 3, 5, 5)),
    ("AdaptiveMaxPool1d", lambda nn: nn.AdaptiveMaxPool1d(3), (2, 3, 8)),
    ("Upsample", lambda nn: nn.Upsample(scale_factor=2), (1, 2, 3, 3)),
    ("Upsample-bilinear", lambda nn: nn.Upsample(size=(5, 4), mode="bilinear"), (1, 2, 3, 3)),
    ("UpsamplingBilinear2d", lambda nn: nn.UpsamplingBilinear2d(scale_factor=2), (1, 2, 3, 3)),
    ("UpsamplingNearest2d", lambda nn: nn.UpsamplingNearest2d(size=5), (1, 2, 3, 3)),
    ("ZeroPad2d", lambda nn: nn.ZeroPad2d((1, 2, 0, 3)), (1, 2, 3, 3)),
    ("ConstantPad1d", lambda nn: nn.ConstantPad1d(2, 1.5), (1, 2, 3)),
    ("ReflectionPad2d", lambda nn: nn.ReflectionPad2d(2), (1, 2, 4, 4)),
    ("ReplicationPad2d", lambda nn: nn.ReplicationPad2d((1, 0, 2, 1)), (1, 2, 4, 4)),
    ("CircularPad1d", lambda nn: nn.CircularPad1d(1), (1, 2, 4)),
    ("Unfold", lambda nn: nn.Unfold(2, stride=2), (1, 2, 4, 6)),
    ("Fold", lambda nn: nn.Fold((4, 5), 2), (1, 8, 12)),
    ("Dropout2d-eval", lambda nn: nn.Dropout2d(0.5).eval(), (2, 3, 4, 4)),
    ("BatchNorm2d", lambda nn: nn.BatchNorm2d(3), (4, 3, 5, 5)),
    ("LeNet", lambda nn: nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
        nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 5 * 5, 10)), (2, 1, 28, 28)),
]  # fmt: skip
IDS = [name for name, _, _ in LAYERS]


@requires_torch
@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("name, build, spec", LAYERS, ids=IDS)
def test_layer_matches_torch(name, build, spec):
    import torch

    rng = np.random.default_rng(0)
    theirs, ours = build(torch.nn).double(), build(nn).double()
    _randomize(theirs)
    assert repr(ours) == repr(theirs)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in theirs.named_parameters()
    ]
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = _input(spec, rng)
    tx, dx = torch.tensor(x, requires_grad=True), dl.tensor(x, requires_grad=True)
    t_out, out = theirs(tx), ours(dx)
    assert out.shape == tuple(t_out.shape)
    np.testing.assert_allclose(out.detach().numpy(), t_out.detach().numpy(), rtol=1e-6, atol=1e-8)
    gy = rng.normal(size=out.shape)
    t_out.backward(torch.tensor(gy))
    (out * dl.tensor(gy)).sum().backward()
    np.testing.assert_allclose(
        dx.grad.detach().numpy(), tx.grad.detach().numpy(), rtol=1e-6, atol=1e-8
    )
    for (n, p), tp in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(
            p.grad.detach().numpy(), tp.grad.detach().numpy(), 1e-6, 1e-8, err_msg=n
        )
    for (n, b), tb in zip(ours.named_buffers(), theirs.buffers()):
        np.testing.assert_allclose(b.detach().numpy(), tb.detach().numpy(), 1e-6, 1e-8, err_msg=n)


TRAINABLE = [entry for entry in LAYERS if list(entry[1](nn).parameters())]


@pytest.mark.parametrize("name, build, spec", TRAINABLE, ids=[e[0] for e in TRAINABLE])
def test_one_sgd_step_lowers_the_loss(name, build, spec):
    rng = np.random.default_rng(2)
    dl.manual_seed(0)
    model = build(nn)
    x = dl.tensor(_input(spec, rng).astype(np.float32))
    target = dl.tensor(rng.normal(size=model(x).shape).astype(np.float32))

    def loss():
        d = model(x) - target
        return (d * d).mean()

    before = loss()
    before.backward()
    with dl.no_grad():
        for p in model.parameters():
            p -= 0.05 * p.grad
    assert loss().item() < before.item()


def test_conv_initialisation_is_pytorchs():
    dl.manual_seed(0)
    conv = nn.Conv2d(6, 16, 5)  # fan_in 150: weight and bias within 1/sqrt(150)
    bound = 1 / np.sqrt(150)
    for p in (conv.weight, conv.bias):
        assert p.dtype == np.float32 and np.abs(p.detach().numpy()).max() <= bound
    assert np.abs(conv.weight.detach().numpy()).max() > 0.95 * bound
    up = nn.ConvTranspose2d(4, 2, 3)  # PyTorch's fan_in of (in, out, k, k) is out * k * k
    assert up.weight.shape == (4, 2, 3, 3) and np.abs(
        up.bias.detach().numpy()
    ).max() <= 1 / np.sqrt(18)


@requires_torch
def test_a_state_dict_saved_by_pytorch_loads_and_gives_pytorchs_outputs(tmp_path):
    import torch

    save_file = pytest.importorskip("safetensors.torch").save_file

    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Conv2d(4, 8, 3, groups=2), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(8, 3),
    )  # fmt: skip
    net(torch.randn(16, 1, 12, 12))  # training: running statistics move away from 0 and 1
    net.eval()
    save_file(net.state_dict(), tmp_path / "cnn.safetensors")
    ours = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3, groups=2), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(8, 3),
    ).eval()  # fmt: skip
    ours.load_state_dict(dl.load(tmp_path / "cnn.safetensors"))
    x = np.random.default_rng(0).standard_normal((5, 1, 12, 12)).astype(np.float32)
    expected = net(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(ours(dl.tensor(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-5)


@requires_torch
def test_batchnorm2d_statistics_follow_pytorch():
    import torch

    rng = np.random.default_rng(0)
    ours, theirs = nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    for step in range(3):
        x = rng.normal(step, 1 + step, size=(4, 3, 5, 6)).astype(np.float32)
        y, t_y = ours(dl.tensor(x)), theirs(torch.tensor(x))
        np.testing.assert_allclose(y.detach().numpy(), t_y.detach().numpy(), atol=1e-5)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(
            ours.state_dict()[key].detach().numpy(), value.detach().numpy(), rtol=1e-5
        )
    ours.eval(), theirs.eval()
    x = rng.normal(size=(2, 3, 5, 6)).astype(np.float32)
    np.testing.assert_allclose(ours(dl.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               atol=1e-5)  # fmt: skip


def test_dropout2d_drops_whole_channels():
    dl.manual_seed(0)
    y = nn.Dropout2d(0.5)(dl.ones(20, 30, 4, 4)).detach().numpy()
    per_channel = y.reshape(20, 30, -1)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all()
    assert 0.4 < (per_channel[..., 0] == 0).mean() < 0.6
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        nn.Dropout2d()(dl.ones(2, 3, 4))


def test_conv_transpose_output_size():
    up = nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1)
    assert up(dl.ones(1, 2, 4, 4), output_size=[8, 8]).shape == (1, 2, 8, 8)
    assert up(dl.ones(1, 2, 4, 4), output_size=(1, 2, 7, 7)).shape == (1, 2, 7, 7)
    with pytest.raises(ValueError, match=r"valid sizes range from \[7, 7\] to \[8, 8\]"):
        up(dl.ones(1, 2, 4, 4), output_size=[9, 9])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: nn.Conv2d(1, 6, 5)(dl.ones(64, 3, 28, 28)), RuntimeError,
         r"^Conv2d\(1, 6, kernel_size=\(5, 5\), stride=\(1, 1\)\): Given groups=1, weight of size "
         r"\[6, 1, 5, 5\], expected input\[64, 3, 28, 28\] to have 1 channels, but got 3 "
         "channels instead"),
        (lambda: nn.Conv2d(1, 6, 5)(dl.ones(64, 784)), RuntimeError,
         "Expected 3D \\(unbatched\\) or 4D \\(batched\\) input to conv2d"),
        (lambda: nn.Conv2d(1, 6, 5)(dl.ones(2, 1, 4, 4)), RuntimeError,
         "Kernel size can't be greater than actual input size"),
        (lambda: nn.MaxPool2d(2)(dl.ones(2, 16, 1, 1)), RuntimeError,
         r"^MaxPool2d\(kernel_size=2.*Output size is too small"),
        (lambda: nn.Conv2d(3, 6, 3, groups=2), ValueError, "in_channels must be divisible"),
        (lambda: nn.Conv2d(2, 6, 3, padding="foo"), ValueError, "Invalid padding string 'foo'"),
        (lambda: nn.Conv2d(2, 6, 3, stride=2, padding="same"), ValueError,
         "padding='same' is not supported for strided convolutions"),
        (lambda: nn.Conv2d(2, 6, 3, padding_mode="foo"), ValueError, "padding_mode must be one of"),
        (lambda: nn.ConvTranspose2d(2, 6, 3, padding_mode="reflect"), ValueError,
         'Only "zeros" padding mode is supported for ConvTranspose2d'),
    ],
)  # fmt: skip
def test_bad_input_names_the_layer_and_the_shapes(call, error, message):
    with pytest.raises(error, match=message):
        call()
