"""A hand-written NumPy LeNet, the textbook im2col way, as the baseline of bench_vision.py.

Convolution: the windows copied into an (N*Ho*Wo, C*k*k) matrix, one product with the
weight; its backward: the weight's gradient from the same matrix, the input's gradient added
back window tap by window tap (col2im). Max pooling over 2x2 blocks by reshaping, its backward
through the mask of the maxima. Gradients worked out by hand; float32 throughout.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided


def im2col(x, k, stride=1, pad=0):
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, c, h, w = x.shape
    ho, wo = (h - k) // stride + 1, (w - k) // stride + 1
    s0, s1, s2, s3 = x.strides
    view = as_strided(x, (n, ho, wo, c, k, k), (s0, s2 * stride, s3 * stride, s1, s2, s3))
    return np.ascontiguousarray(view).reshape(n * ho * wo, c * k * k), ho, wo


def col2im(cols, shape, k, ho, wo, stride=1, pad=0):
    n, c, h, w = shape
    cols = cols.reshape(n, ho, wo, c, k, k)
    out = np.zeros((n, c, h + 2 * pad, w + 2 * pad), cols.dtype)
    for i in range(k):
        for j in range(k):
            out[:, :, i : i + stride * ho : stride, j : j + stride * wo : stride] += cols[
                :, :, :, :, i, j
            ].transpose(0, 3, 1, 2)
    return out[:, :, pad : pad + h, pad : pad + w]


def conv_forward(x, w, b, stride=1, pad=0):
    o, k = w.shape[0], w.shape[2]
    cols, ho, wo = im2col(x, k, stride, pad)
    y = cols @ w.reshape(o, -1).T
    if b is not None:
        y += b
    return y.reshape(x.shape[0], ho, wo, o).transpose(0, 3, 1, 2), cols


def conv_backward(gy, cols, x_shape, w, stride=1, pad=0):
    o, k = w.shape[0], w.shape[2]
    ho, wo = gy.shape[2:]
    g = gy.transpose(0, 2, 3, 1).reshape(-1, o)
    gw = (g.T @ cols).reshape(w.shape)
    gx = col2im(g @ w.reshape(o, -1), x_shape, k, ho, wo, stride, pad)
    return gx, gw, g.sum(axis=0)


def conv_numpy(x, w, gy, stride, pad):
    """One conv layer's forward and both gradients (bench_vision.py (b))."""
    _, cols = conv_forward(x, w, None, stride, pad)
    return conv_backward(gy, cols, x.shape, w, stride, pad)


def pool_forward(x):
    n, c, h, w = x.shape
    blocks = x.reshape(n, c, h // 2, 2, w // 2, 2)
    y = blocks.max(axis=(3, 5))
    return y, blocks == y[:, :, :, None, :, None]


def pool_backward(gy, mask):
    n, c, h, w = gy.shape
    return (mask * gy[:, :, :, None, :, None]).reshape(n, c, 2 * h, 2 * w)


class NumpyLeNet:
    """LeNet with PyTorch's parameter names and layouts; `step` does one SGD step."""

    def __init__(self, weights):
        self.p = {k: v.astype(np.float32).copy() for k, v in weights.items()}

    def step(self, x, labels, lr):
        p = self.p
        c1, cols1 = conv_forward(x, p["0.weight"], p["0.bias"])
        r1 = np.maximum(c1, 0)
        p1, m1 = pool_forward(r1)
        c2, cols2 = conv_forward(p1, p["3.weight"], p["3.bias"])
        r2 = np.maximum(c2, 0)
        p2, m2 = pool_forward(r2)
        f = p2.reshape(len(x), -1)
        h1 = np.maximum(f @ p["7.weight"].T + p["7.bias"], 0)
        h2 = np.maximum(h1 @ p["9.weight"].T + p["9.bias"], 0)
        z = h2 @ p["11.weight"].T + p["11.bias"]
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        prob = e / e.sum(axis=1, keepdims=True)
        n = len(x)
        loss = -np.log(prob[np.arange(n), labels]).mean()
        gz = prob
        gz[np.arange(n), labels] -= 1
        gz /= n
        g = {"11.weight": gz.T @ h2, "11.bias": gz.sum(0)}
        gh2 = (gz @ p["11.weight"]) * (h2 > 0)
        g["9.weight"], g["9.bias"] = gh2.T @ h1, gh2.sum(0)
        gh1 = (gh2 @ p["9.weight"]) * (h1 > 0)
        g["7.weight"], g["7.bias"] = gh1.T @ f, gh1.sum(0)
        gp2 = (gh1 @ p["7.weight"]).reshape(p2.shape)
        gc2 = pool_backward(gp2, m2) * (c2 > 0)
        gp1, g["3.weight"], g["3.bias"] = conv_backward(gc2, cols2, p1.shape, p["3.weight"])
        gc1 = pool_backward(gp1, m1) * (c1 > 0)
        _, g["0.weight"], g["0.bias"] = conv_backward(gc1, cols1, x.shape, p["0.weight"])
        for key, grad in g.items():
            p[key] -= lr * grad
        return float(loss)
