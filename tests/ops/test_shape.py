"""Shape ops (deepling/ops/shape.py) against PyTorch: forward, numerical and torch gradients."""

import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests


def same(fn, shapes, name, **case_kw):
    """A case running `fn(lib, *xs)` with lib = deepling and lib = torch: one call, two faces."""

    def on_torch(*xs):
        import torch

        return fn(torch, *xs)

    return Case(lambda *xs: fn(dl, *xs), shapes, on_torch, name=name, **case_kw)


def method(shape, name, *args, **kw):
    """`x.name(*args, **kw)` on a deepling tensor and on a torch tensor alike."""
    label = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kw.items())])
    return same(lambda lib, x: getattr(x, name)(*args, **kw), [shape], f"{shape}.{name}({label})")


def _pad(x, pad, value=0.0):
    import torch

    return torch.nn.functional.pad(x, pad, value=value)


CASES = [
    # reshape / view, with -1 and 0-d
    method((3, 4), "reshape", -1, 2),
    method((3, 4), "reshape", (2, 6)),
    method((2, 3, 4), "view", 4, -1),
    method((3, 4), "view", -1),
    method((), "reshape", 1, 1),
    method((1,), "reshape", ()),
    same(lambda lib, x: lib.reshape(x, (6, 2)), [(3, 4)], "reshape(x, (6, 2))"),
    # transpose / permute / .T
    method((2, 3, 4), "transpose", 0, 2),
    method((2, 3, 4), "transpose", -1, -2),
    method((3, 4), "transpose", 1, 0),
    method((2, 3, 4), "permute", 2, 0, 1),
    method((2, 3, 4), "permute", (1, 2, 0)),
    method((2, 3, 4), "permute", -1, 0, 1),
    same(lambda lib, x: x.T, [(3, 4)], "(3, 4).T"),
    same(lambda lib, x: lib.permute(x, (1, 0)), [(3, 4)], "permute(x, (1, 0))"),
    # squeeze / unsqueeze / flatten
    method((2, 1, 3, 1), "squeeze"),
    method((2, 1, 3, 1), "squeeze", 1),
    method((2, 1, 3, 1), "squeeze", -1),
    method((2, 1, 3, 1), "squeeze", 0),  # not size 1: unchanged, as PyTorch
    method((2, 1, 3, 1), "squeeze", (1, 3)),
    method((1, 1), "squeeze"),
    method((), "squeeze", 0),
    method((3, 4), "unsqueeze", 0),
    method((3, 4), "unsqueeze", -1),
    method((3, 4), "unsqueeze", -2),
    method((), "unsqueeze", -1),
    method((2, 3, 4), "flatten"),
    method((2, 3, 4), "flatten", 1),
    method((2, 3, 4, 5), "flatten", 1, 2),
    method((2, 3, 4), "flatten", start_dim=0, end_dim=-2),
    method((), "flatten"),
    # expand / broadcast_to
    method((3, 1), "expand", -1, 4),
    method((2, 1, 3, 1), "expand", 2, -1, 3, 5),
    method((3, 1), "expand", 2, 3, 4),
    method((), "expand", 3, 4),
    method((3, 4), "broadcast_to", (2, 3, 4)),
    same(lambda lib, x: lib.broadcast_to(x, (3, 4)), [(4,)], "broadcast_to((4,), (3, 4))"),
    same(lambda lib, x: lib.broadcast_to(x, (2, 3)), [()], "broadcast_to((), (2, 3))"),
    # cat / concatenate / concat / stack
    same(lambda lib, a, b: lib.cat([a, b]), [(2, 3), (4, 3)], "cat dim 0"),
    same(lambda lib, a, b, c: lib.cat((a, b, c), 1), [(2, 3), (2, 1), (2, 2)], "cat dim 1"),
    same(lambda lib, a, b: lib.cat([a, b], dim=-1), [(2, 3, 1), (2, 3, 2)], "cat dim -1"),
    same(lambda lib, a, b: lib.concatenate([a, b], axis=1), [(2, 3), (2, 2)], "concatenate axis"),
    same(lambda lib, a, b: lib.concat([a, b], dim=-2), [(1, 4), (3, 4)], "concat dim -2"),
    same(lambda lib, a, b: lib.stack([a, b]), [(3, 4), (3, 4)], "stack"),
    same(lambda lib, a, b, c: lib.stack([a, b, c], 1), [(3, 4)] * 3, "stack dim 1"),
    same(lambda lib, a, b: lib.stack([a, b], dim=-1), [(3, 4), (3, 4)], "stack dim -1"),
    same(lambda lib, a, b: lib.stack([a, b], -3), [(3, 4), (3, 4)], "stack dim -3"),
    same(lambda lib, a, b: lib.stack([a, b], axis=2), [(3, 4), (3, 4)], "stack axis 2"),
    same(lambda lib, a, b: lib.stack([a, b]), [(), ()], "stack 0-d"),
    # split / chunk: pieces joined back in reverse order, so a wrong piece shows up
    same(lambda lib, x: lib.cat(x.split(3)[::-1]), [(7,)], "split 3 of 7 reversed"),
    same(lambda lib, x: x.split(3)[-1], [(7, 2)], "split 3 of 7, last piece"),
    same(lambda lib, x: lib.cat(x.split([1, 4, 2])[::-1]), [(7,)], "split [1, 4, 2]"),
    same(lambda lib, x: lib.cat(x.split(2, 1)[::-1], 1), [(3, 5)], "split 2 dim 1"),
    same(lambda lib, x: lib.cat(x.split([3, 2], dim=-1)[::-1], -1), [(3, 5)], "split [3, 2]"),
    same(lambda lib, x: lib.cat(x.chunk(3)[::-1]), [(7, 2)], "chunk 3 of 7"),
    same(lambda lib, x: lib.cat(x.chunk(2, -1)[::-1], -1), [(2, 5)], "chunk 2 dim -1"),
    # pad: PyTorch's order, last dim first
    Case(dl.pad, [(3, 4)], _pad, kwargs=dict(pad=(1, 2)), name="pad (1, 2)"),
    Case(dl.pad, [(3, 4)], _pad, kwargs=dict(pad=(1, 2, 0, 3), value=-1.5), name="pad 2 dims"),
    Case(dl.pad, [(2, 3, 4)], _pad, kwargs=dict(pad=(0, 1, 2, 0)), name="pad 2 of 3 dims"),
]

test_op = op_tests(CASES)


def test_split_sizes_match_torchs():
    x = dl.arange(7.0)
    assert [tuple(c.shape) for c in x.split(3)] == [(3,), (3,), (1,)]
    assert [tuple(c.shape) for c in dl.split(x, [2, 5])] == [(2,), (5,)]
    assert [c.tolist() for c in x.chunk(3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(dl.arange(6.0).chunk(4)) == 3  # size 2 each, as torch.chunk


def test_squeeze_of_a_dim_that_is_not_one_keeps_the_tensor():
    x = dl.ones(2, 1, 3)
    assert x.squeeze(0).shape == (2, 1, 3)
    assert x.squeeze(-2).shape == (2, 3)


def test_reshape_to_an_incompatible_size_names_the_shapes():
    with pytest.raises(dl.ShapeError, match=r"\(5,\).*\(3, 4\)"):
        dl.ones(3, 4).reshape(5)
    with pytest.raises(RuntimeError):  # a ShapeError is PyTorch's RuntimeError too
        dl.ones(3, 4).view(-1, 5)


def test_cat_of_mismatched_shapes_raises_shape_error():
    with pytest.raises(dl.ShapeError, match=r"\(3, 4\), \(3, 2\)"):
        dl.cat([dl.ones(3, 4), dl.ones(3, 2)])
    with pytest.raises(ValueError):  # and NumPy's and Keras's ValueError
        dl.cat([dl.ones(3, 4), dl.ones(3, 4, 1)], 1)
    with pytest.raises(dl.ShapeError, match="zero-dimensional"):
        dl.cat([dl.ones(3), dl.tensor(1.0)])
    with pytest.raises(dl.ShapeError, match=r"\[3, 4\] at entry 0 and \[3, 2\] at entry 1"):
        dl.stack([dl.ones(3, 4), dl.ones(3, 2)])
    with pytest.raises(dl.ShapeError, match="do not add up"):
        dl.ones(7).split([3, 3])


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.unsqueeze(3),
        lambda x: x.squeeze(2),
        lambda x: x.flatten(0, 2),
        lambda x: x.transpose(0, 2),
        lambda x: x.permute(0, 2),
        lambda x: dl.cat([x, x], 2),
        lambda x: dl.stack([x, x], -4),
        lambda x: x.split(1, 2),
    ],
)
def test_out_of_range_dims_raise_index_error(call):
    with pytest.raises(IndexError, match="Dimension out of range"):
        call(dl.ones(3, 4))


def test_expand_rejects_what_torch_rejects():
    with pytest.raises(dl.ShapeError):
        dl.ones(3, 4).expand(-1, 3, 4)  # -1 in a new leading dim
    with pytest.raises(dl.ShapeError):
        dl.ones(3, 4).expand(4)
    with pytest.raises(dl.ShapeError):
        dl.ones(3, 4).expand(3, 5)


def test_pad_value_and_widths():
    y = dl.pad(dl.ones(1, 2), (1, 0, 0, 1), value=7.0)
    np.testing.assert_array_equal(y.numpy(), [[7, 1, 1], [7, 7, 7]])
