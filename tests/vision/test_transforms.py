"""deepling.vision.transforms against torchvision's definitions: ToTensor's layout and scaling,
Normalize, Compose's printing, flips and crops on PIL images, arrays and tensors, Resize."""

import numpy as np
import pytest

import deepling as dl
from deepling.vision import transforms

IMAGE = np.random.default_rng(0).integers(0, 256, (6, 8, 3)).astype(np.uint8)


def test_to_tensor_layout_and_scaling():
    x = transforms.ToTensor()(IMAGE)
    assert x.shape == (3, 6, 8) and x.dtype == dl.float32
    np.testing.assert_allclose(x.numpy(), IMAGE.transpose(2, 0, 1) / 255, rtol=1e-6)
    grey = transforms.ToTensor()(IMAGE[:, :, 0])
    assert grey.shape == (1, 6, 8)
    floats = transforms.ToTensor()(np.full((2, 2), 3.0))  # not uint8: values kept
    assert floats.dtype == dl.float64 and floats.numpy().max() == 3.0
    pil = pytest.importorskip("PIL.Image")
    np.testing.assert_array_equal(transforms.ToTensor()(pil.fromarray(IMAGE)).numpy(), x.numpy())
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        transforms.ToTensor()([1, 2])


def test_normalize_and_compose():
    x = transforms.ToTensor()(IMAGE)
    norm = transforms.Normalize((0.5, 0.4, 0.3), (0.2, 0.2, 0.25))
    y = norm(x)
    expected = (x.numpy() - np.array([0.5, 0.4, 0.3])[:, None, None]) / np.array(
        [0.2, 0.2, 0.25])[:, None, None]  # fmt: skip
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5, atol=1e-6)
    composed = transforms.Compose([transforms.ToTensor(), norm])
    np.testing.assert_allclose(composed(IMAGE).numpy(), y.numpy())
    assert repr(composed) == (
        "Compose(\n    ToTensor()\n    Normalize(mean=(0.5, 0.4, 0.3), std=(0.2, 0.2, 0.25))\n)"
    )
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        norm(dl.tensor(IMAGE.transpose(2, 0, 1)))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        transforms.Normalize((0.5,), (0.0,))(x)
    with pytest.raises(TypeError, match="Argument lambd should be callable"):
        transforms.Lambda(3)
    assert transforms.Lambda(lambda t: t * 2)(dl.ones(1)).tolist() == [2.0]


def test_flip_and_crop_on_arrays_tensors_and_pil_images():
    dl.manual_seed(0)
    flip = transforms.RandomHorizontalFlip(p=1.0)
    np.testing.assert_array_equal(flip(IMAGE), IMAGE[:, ::-1])
    t = dl.tensor(IMAGE.transpose(2, 0, 1))
    np.testing.assert_array_equal(flip(t).numpy(), IMAGE.transpose(2, 0, 1)[:, :, ::-1])
    assert transforms.RandomHorizontalFlip(p=0.0)(IMAGE) is IMAGE
    crop = transforms.RandomCrop(4, padding=2)
    out = crop(t)
    assert out.shape == (3, 4, 4)
    windows = np.lib.stride_tricks.sliding_window_view(
        np.pad(IMAGE.transpose(2, 0, 1), ((0, 0), (2, 2), (2, 2))), (4, 4), axis=(1, 2))  # fmt: skip
    assert any(np.array_equal(out.numpy(), windows[:, i, j]) for i in range(windows.shape[1])
               for j in range(windows.shape[2]))  # fmt: skip
    assert transforms.RandomCrop((3, 5))(IMAGE).shape == (3, 5, 3)
    assert transforms.RandomCrop(10, pad_if_needed=True, padding_mode="edge")(IMAGE).shape == (
        10, 10, 3)  # fmt: skip
    with pytest.raises(ValueError, match="Required crop size"):
        transforms.RandomCrop(9)(IMAGE)
    pil = pytest.importorskip("PIL.Image")
    image = pil.fromarray(IMAGE)
    assert transforms.RandomCrop(4, padding=(1, 2))(image).size == (4, 4)
    np.testing.assert_array_equal(np.asarray(flip(image)), IMAGE[:, ::-1])


def test_resize_on_tensors_follows_torchvision():
    torch = pytest.importorskip("torch")
    t = dl.tensor(IMAGE.transpose(2, 0, 1).astype(np.float32))
    small = transforms.Resize(3)(t)  # the smaller edge (6) to 3, the aspect kept
    assert small.shape == (3, 3, 4)
    expected = torch.nn.functional.interpolate(torch.tensor(t.numpy())[None], (3, 4),
                                               mode="bilinear", antialias=True)[0]  # fmt: skip
    np.testing.assert_allclose(small.numpy(), expected.numpy(), rtol=1e-4, atol=1e-3)
    assert transforms.Resize((12, 5), interpolation=transforms.InterpolationMode.NEAREST)(
        t).shape == (3, 12, 5)  # fmt: skip
    assert transforms.Resize(6, max_size=7)(t).shape == (3, 5, 7)  # the longer edge capped
    pil = pytest.importorskip("PIL.Image")
    assert transforms.Resize((10, 12))(pil.fromarray(IMAGE)).size == (12, 10)
    with pytest.raises(TypeError, match="img should be PIL Image or Tensor"):
        transforms.Resize(3)(IMAGE)
