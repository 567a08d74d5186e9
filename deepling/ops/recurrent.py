"""Recurrent cells: one fused Function per time step, all gates in one matrix product.

Each cell takes one step's input `x` (N, in), the previous state, and the weights in either
layout: PyTorch's (gates * H, in) weights (`kernel=False`, `x @ w.T`) or Keras's (in, gates * H)
kernels (`kernel=True`, `x @ w`). Biases may be None. `keep` (N,) bool, when given, makes a row
whose step is masked keep its previous state (Keras's masks, PyTorch's packed sequences).

One output per Function: the LSTM's state is stacked, (2, N, H) = [h; c], and a layer slices h
from it. The gates' activations are derived values, so each cell defines `compose` for higher
orders (the same step written with ops), which is also the reference of its tests.

`scan` runs a cell over a sequence; `unbind_steps` slices a sequence into steps.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from .activation import relu, sigmoid
from .arith import where
from .linalg import affine, linear
from .shape import stack
from .unary import tanh

_GATE_SCALES: dict = {}


def _project(x, w, kernel):
    return x @ w if kernel else x @ w.T


def _preactivation(x, h, w_ih, w_hh, b_ih, b_hh, kernel):
    z = _project(x, w_ih, kernel)
    z += _project(h, w_hh, kernel)
    if b_ih is not None:
        z += b_ih
    if b_hh is not None:
        z += b_hh
    return z


def _lstm_scales(hid, dtype):
    """Per-column (scale, shift) so that tanh(z * scale) * scale + shift is sigmoid for the
    i, f, o blocks (sigmoid(z) = tanh(z/2)/2 + 1/2, one tanh call for all four gates) and tanh
    for the g block."""
    key = (hid, np.dtype(dtype))
    found = _GATE_SCALES.get(key)
    if found is None:
        scale = np.full(4 * hid, 0.5, dtype)
        scale[2 * hid : 3 * hid] = 1.0
        shift = np.full(4 * hid, 0.5, dtype)
        shift[2 * hid : 3 * hid] = 0.0
        found = _GATE_SCALES[key] = (scale, shift)
    return found


class _Cell(Function):
    """What the cells share: the layout, the mask, and the gradients of the two products."""

    def __init__(self, kernel=False, keep=None):
        self.kernel = kernel
        self.keep = None if keep is None else np.asarray(keep, bool)

    def _kept(self, new, old):
        """Rows whose step is masked keep `old` (the state's batch axis is the one before H)."""
        return new if self.keep is None else np.where(self.keep[:, None], new, old)

    def _split_gy(self, gy):
        """gy for the new state, and the part that passes straight to the old state."""
        if self.keep is None:
            return gy, None
        k = self.keep[:, None]
        return gy * k, gy * ~k

    def _grads(self, gx_pre, gh_pre, x, h, w_ih, w_hh):
        """Gradients of x, h, w_ih, w_hh, b_ih, b_hh from the gate gradients of the input
        product (gx_pre) and of the recurrent product (gh_pre), each (N, gates * H)."""
        needs, kernel = self.needs_input_grad, self.kernel
        gx = gw_ih = gw_hh = gb_ih = gb_hh = None
        if needs[0]:
            gx = gx_pre @ (w_ih.T if kernel else w_ih)
        gh = gh_pre @ (w_hh.T if kernel else w_hh) if needs[1] else None
        if needs[2]:
            gw_ih = x.T @ gx_pre if kernel else gx_pre.T @ x
        if needs[3]:
            gw_hh = h.T @ gh_pre if kernel else gh_pre.T @ h
        if needs[4]:
            gb_ih = gx_pre.sum(axis=0)
        if needs[5]:  # PyTorch's two biases get the same sum: take it once
            gb_hh = gb_ih if gh_pre is gx_pre and gb_ih is not None else gh_pre.sum(axis=0)
        return gx, gh, gw_ih, gw_hh, gb_ih, gb_hh


class RNNCell(_Cell):
    """h' = act(x W_ih + b_ih + h W_hh + b_hh), act tanh or relu;  with G = gy act'(.)
    (1 - h'^2 or [h' > 0]): dx = G W_ih^T, dh = G W_hh^T, dW_ih = x^T G, dW_hh = h^T G,
    db = sum(G)."""

    def __init__(self, nonlinearity="tanh", kernel=False, keep=None):
        super().__init__(kernel, keep)
        self.nonlinearity = nonlinearity

    def forward(self, x, h, w_ih, w_hh, b_ih, b_hh):
        z = _preactivation(x, h, w_ih, w_hh, b_ih, b_hh, self.kernel)
        y = np.tanh(z, out=z) if self.nonlinearity == "tanh" else np.maximum(z, 0, out=z)
        self.save_for_backward(x, h, w_ih, w_hh, y)
        return self._kept(y, h)

    def backward(self, gy):
        x, h, w_ih, w_hh, y = self.saved
        gy, passed = self._split_gy(gy)
        g = gy * (1 - y * y) if self.nonlinearity == "tanh" else gy * (y > 0)
        gx, gh, *rest = self._grads(g, g, x, h, w_ih, w_hh)
        if passed is not None and gh is not None:
            gh = gh + passed
        return (gx, gh, *rest)

    def compose(self, x, h, w_ih, w_hh, b_ih, b_hh):
        z = _composed_preactivation(x, h, w_ih, w_hh, b_ih, b_hh, self.kernel)
        y = tanh(z) if self.nonlinearity == "tanh" else relu(z)
        return _composed_kept(self.keep, y, h)


class LSTMCell(_Cell):
    """[i f g o] = x W_ih + b_ih + h W_hh + b_hh, i f o through sigmoid and g through tanh;
    c' = f c + i g, h' = o tanh(c'); state (2, N, H) = [h; c] in and out. With
    dc = gc' + gh' o (1 - tanh(c')^2): di = dc g, df = dc c, dg = dc i, do = gh' tanh(c'),
    times each activation's slope; dc_prev = dc f; then the products' gradients as RNNCell."""

    def forward(self, x, state, w_ih, w_hh, b_ih, b_hh):
        h, c = state[0], state[1]
        hid = h.shape[-1]
        if state.ndim != 3 or state.shape[0] != 2:
            raise ValueError(f"an LSTM state is (2, batch, hidden); got {state.shape}")
        a = _preactivation(x, h, w_ih, w_hh, b_ih, b_hh, self.kernel)
        scale, shift = _lstm_scales(hid, a.dtype)
        a *= scale
        np.tanh(a, out=a)
        a *= scale
        a += shift  # [i f g o], activated
        i, f, g, o = a[:, :hid], a[:, hid : 2 * hid], a[:, 2 * hid : 3 * hid], a[:, 3 * hid :]
        out = np.empty(state.shape, a.dtype)
        np.multiply(f, c, out=out[1])
        out[1] += i * g
        tc = np.tanh(out[1])
        np.multiply(o, tc, out=out[0])
        self.save_for_backward(x, h, c, w_ih, w_hh, a, tc)
        return self._kept(out, state)

    def backward(self, gy):
        x, h, c, w_ih, w_hh, a, tc = self.saved
        gy, passed = self._split_gy(gy)
        hid = h.shape[-1]
        i, f, g, o = a[:, :hid], a[:, hid : 2 * hid], a[:, 2 * hid : 3 * hid], a[:, 3 * hid :]
        gh, gc = gy[0], gy[1]
        dc = gc + gh * o * (1 - tc * tc)
        g_pre = np.empty_like(a)
        g_pre[:, :hid] = dc * g * i * (1 - i)
        g_pre[:, hid : 2 * hid] = dc * c * f * (1 - f)
        g_pre[:, 2 * hid : 3 * hid] = dc * i * (1 - g * g)
        g_pre[:, 3 * hid :] = gh * tc * o * (1 - o)
        gx, gh_prev, *rest = self._grads(g_pre, g_pre, x, h, w_ih, w_hh)
        gstate = None
        if self.needs_input_grad[1]:
            gstate = np.stack([gh_prev, dc * f])
            if passed is not None:
                gstate += passed
        return (gx, gstate, *rest)

    def compose(self, x, state, w_ih, w_hh, b_ih, b_hh):
        state = _as_tensor(state)
        h, c = state[0], state[1]
        hid = h.shape[-1]
        z = _composed_preactivation(x, h, w_ih, w_hh, b_ih, b_hh, self.kernel)
        i, f = sigmoid(z[:, :hid]), sigmoid(z[:, hid : 2 * hid])
        g, o = tanh(z[:, 2 * hid : 3 * hid]), sigmoid(z[:, 3 * hid :])
        c2 = f * c + i * g
        return _composed_kept(self.keep, stack([o * tanh(c2), c2]), state)


class GRUCell(_Cell):
    """r, z = sigmoid(x W_ir + b_ir + h W_hr + b_hr), likewise z;
    n = tanh(x W_in + b_in + r (h W_hn + b_hn)) (`reset_after`, PyTorch's and Keras 3's
    default), or tanh(x W_in + b_in + (r h) W_hn) (Keras's reset_after=False);
    h' = (1 - z) n + z h. Gate blocks are r, z, n (PyTorch) or z, r, n (Keras: `zr=True`).
    With dn = gy (1 - z)(1 - n^2): dz = gy (h - n) z (1 - z), dr = dn (h W_hn + b_hn) r (1 - r)
    (or (dn W_hn^T) h r (1 - r)), dh = gy z + the products' gradients."""

    def __init__(self, kernel=False, keep=None, zr=False, reset_after=True):
        super().__init__(kernel, keep)
        self.zr, self.reset_after = zr, reset_after

    def _blocks(self, hid):
        """Column slices of the r, z and n blocks."""
        first, second = slice(0, hid), slice(hid, 2 * hid)
        return (
            (second, first, slice(2 * hid, 3 * hid))
            if self.zr
            else (first, second, slice(2 * hid, 3 * hid))
        )

    def forward(self, x, h, w_ih, w_hh, b_ih, b_hh):
        hid = h.shape[-1]
        rs, zs, ns = self._blocks(hid)
        gx = _project(x, w_ih, self.kernel)
        if b_ih is not None:
            gx += b_ih
        if self.reset_after:
            gh = _project(h, w_hh, self.kernel)
            if b_hh is not None:
                gh += b_hh
            rz = gx[:, : 2 * hid] + gh[:, : 2 * hid]
            hn = gh[:, ns]
        else:  # the reset gate scales h before its product with the n block
            rz = gx[:, : 2 * hid] + h @ w_hh[:, : 2 * hid]
        rz *= 0.5
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5  # sigmoid(z) = tanh(z/2)/2 + 1/2
        r, z = rz[:, rs], rz[:, zs]
        if self.reset_after:
            n = np.tanh(gx[:, ns] + r * hn)
        else:
            rh = r * h
            n = np.tanh(gx[:, ns] + rh @ w_hh[:, ns])
        y = n + z * (h - n)
        self.save_for_backward(x, h, w_ih, w_hh, rz, n, hn if self.reset_after else rh)
        return self._kept(y, h)

    def backward(self, gy):
        x, h, w_ih, w_hh, rz, n, hn_or_rh = self.saved
        gy, passed = self._split_gy(gy)
        hid = h.shape[-1]
        rs, zs, ns = self._blocks(hid)
        r, z = rz[:, rs], rz[:, zs]
        dn = gy * (1 - z) * (1 - n * n)
        g_x = np.empty((gy.shape[0], 3 * hid), gy.dtype)
        g_x[:, zs] = gy * (h - n) * z * (1 - z)
        g_x[:, ns] = dn
        if self.reset_after:
            g_x[:, rs] = dn * hn_or_rh * r * (1 - r)
            g_h = g_x.copy()
            g_h[:, ns] = dn * r
            gx, gh, *rest = self._grads(g_x, g_h, x, h, w_ih, w_hh)
        else:
            g_rh = dn @ w_hh[:, ns].T
            g_x[:, rs] = g_rh * h * r * (1 - r)
            gx, gh, gw_ih, gw_hh, gb_ih = self._reset_before_grads(g_x, g_rh, dn, x, h, r, w_ih,
                                                                   w_hh, hn_or_rh)  # fmt: skip
            rest = (gw_ih, gw_hh, gb_ih, None)
        if gh is not None:
            gh = gh + gy * z
            if passed is not None:
                gh += passed
        return (gx, gh, *rest)

    def _reset_before_grads(self, g_x, g_rh, dn, x, h, r, w_ih, w_hh, rh):
        """reset_after=False (Keras kernels only): the r and z blocks' recurrent product is
        h W_hh[:, :2H], the n block's is (r h) W_hh[:, 2H:]."""
        needs, hid = self.needs_input_grad, h.shape[-1]
        g_h = g_x[:, : 2 * hid]
        gx = g_x @ w_ih.T if needs[0] else None
        gh = g_h @ w_hh[:, : 2 * hid].T + g_rh * r if needs[1] else None
        gw_ih = x.T @ g_x if needs[2] else None
        gw_hh = np.concatenate([h.T @ g_h, rh.T @ dn], axis=1) if needs[3] else None
        gb_ih = g_x.sum(axis=0) if needs[4] else None
        return gx, gh, gw_ih, gw_hh, gb_ih

    def compose(self, x, h, w_ih, w_hh, b_ih, b_hh):
        h = _as_tensor(h)
        hid = h.shape[-1]
        rs, zs, ns = self._blocks(hid)
        gx = _composed_product(x, w_ih, b_ih, self.kernel)
        if self.reset_after:
            gh = _composed_product(h, w_hh, b_hh, self.kernel)
            r, z = sigmoid(gx[:, rs] + gh[:, rs]), sigmoid(gx[:, zs] + gh[:, zs])
            n = tanh(gx[:, ns] + r * gh[:, ns])
        else:
            w_hh = _as_tensor(w_hh)
            gh = h @ w_hh[:, : 2 * hid]
            r, z = sigmoid(gx[:, rs] + gh[:, rs]), sigmoid(gx[:, zs] + gh[:, zs])
            n = tanh(gx[:, ns] + (r * h) @ w_hh[:, ns])
        return _composed_kept(self.keep, n + z * (h - n), h)


# --- the same steps as compositions of ops (higher orders, and the tests' reference) ---
def _as_tensor(a):
    return a if a is None or isinstance(a, Tensor) else Tensor._wrap(np.asarray(a))


def _composed_product(x, w, b, kernel):
    x, w, b = _as_tensor(x), _as_tensor(w), _as_tensor(b)
    return affine(x, w, b) if kernel else linear(x, w, b)


def _composed_preactivation(x, h, w_ih, w_hh, b_ih, b_hh, kernel):
    return _composed_product(x, w_ih, b_ih, kernel) + _composed_product(h, w_hh, b_hh, kernel)


def _composed_kept(keep, new, old):
    if keep is None:
        return new
    return where(Tensor._wrap(np.asarray(keep, bool)[:, None]), new, _as_tensor(old))


# --- wrappers ---
def rnn_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None, *, nonlinearity="tanh", kernel=False,
             keep=None) -> Tensor:  # fmt: skip
    """One step of an Elman RNN: act(x W_ih + b_ih + h W_hh + b_hh), act 'tanh' or 'relu'."""
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
    return RNNCell(nonlinearity, kernel, keep)(x, h, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(x, state, w_ih, w_hh, b_ih=None, b_hh=None, *, kernel=False, keep=None) -> Tensor:
    """One LSTM step on the stacked state (2, N, H) = [h; c]; returns the next stacked state."""
    return LSTMCell(kernel, keep)(x, state, w_ih, w_hh, b_ih, b_hh)


def gru_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None, *, kernel=False, keep=None, zr=False,
             reset_after=True) -> Tensor:  # fmt: skip
    """One GRU step: PyTorch's gate order r, z, n, or Keras's z, r, n with `zr=True`;
    `reset_after=False` (Keras's older GRU) takes Keras kernels and one bias."""
    if not reset_after and (not kernel or b_hh is not None):
        raise ValueError("gru_cell: reset_after=False takes Keras kernels and one bias")
    return GRUCell(kernel, keep, zr, reset_after)(x, h, w_ih, w_hh, b_ih, b_hh)


def unbind_steps(x, axis: int) -> list:
    """The slices of `x` along `axis`, one per step. When x needs a gradient the slices are
    taken by halving (log2(T) levels), so backward adds O(T log T) values, not T full copies."""
    n = x.shape[axis]
    pre = (slice(None),) * (axis % x.ndim)
    if not (isinstance(x, Tensor) and x.requires_grad):  # by indexing ops all the same: a
        x = x if isinstance(x, Tensor) else Tensor._wrap(np.asarray(x))  # compiled step then
        return [x[(*pre, t)] for t in range(n)]  # slices each call's input
    out = [None] * n
    todo = [(x, 0, n)]
    while todo:
        part, lo, hi = todo.pop()
        if hi - lo <= 2:
            for k in range(lo, hi):
                out[k] = part[(*pre, k - lo)]
            continue
        mid = (lo + hi) // 2
        todo.append((part[(*pre, slice(0, mid - lo))], lo, mid))
        todo.append((part[(*pre, slice(mid - lo, hi - lo))], mid, hi))
    return out


def scan(step, xs, state, keeps=None, reverse=False):
    """Run `step(x_t, state, keep_t) -> state` over the list `xs` (backwards with `reverse`);
    returns the states after each step, in the order of `xs`, and the last state."""
    order = range(len(xs) - 1, -1, -1) if reverse else range(len(xs))
    states = [None] * len(xs)
    for t in order:
        state = step(xs[t], state, None if keeps is None else keeps[t])
        states[t] = state
    return states, state
