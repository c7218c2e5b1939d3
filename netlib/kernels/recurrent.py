"""A window of recurrent steps as ONE Chainer function node: ``L.LSTM`` and a tanh RNN.

Mirrors Chainer's per-step graph of ``L.LSTM`` (``chainer.links.rnn.lstm`` with
``chainer.functions.rnn.lstm``'s CPU forward and backward) and of
:class:`netlib.links.recurrent.TanhRNN` (two ``L.Linear`` and ``F.tanh``): the same
float32 products at the same shapes (``upward(x_t)`` and ``lateral(h)`` per step,
added in that order), the same NumPy expressions on the same interleaved gate
layout, and in backward the parameter gradients summed in the order Chainer's
backprop sums them (the last step's first, one after another, as ``F.add`` of
the gradient list does).  So the numbers are Chainer's bit for bit
(``tests/test_recurrent_kernel.py``), and the graph of a 35-step window has one
node where Chainer's has about 200.  The LSTM's backward step has no tanh and is
one compiled pass (:func:`netlib.kernels.compiled.lstm_step_grad`).

Inputs are the window ``xs`` (steps, batch, in), the state and the links'
parameters; outputs the hidden states ``hs`` (steps, batch, units) and the state
after the last step, which the cell keeps as the per-step path would.
:func:`read_window` takes the cell itself; ``netlib.kernels.read_window`` calls it
under ``'fast'``.
"""

import chainer
import chainer.links as L
import numpy as np
from chainer import function_node

from netlib.kernels import compiled


def covers(xs, state, upward, lateral):
    """Whether the window node computes this case (else the per-step path): CPU arrays of
    one float dtype, initialised links with a bias upward and none laterally, and a
    state (where given) of the window's batch size."""
    if upward.W.array is None or upward.b is None or lateral.b is not None:
        return False
    arrays = [chainer.as_array(a) for a in (xs, upward.W, upward.b, lateral.W, *state)
              if a is not None]
    return (all(isinstance(a, np.ndarray) for a in arrays)
            and xs.dtype in (np.float32, np.float64)
            and all(a.dtype == xs.dtype for a in arrays)
            and xs.ndim == 3 and len(xs) > 0
            and all(s.shape[0] == xs.shape[1] for s in state if s is not None))


def read_window(cell, xs):
    """*cell* (``L.LSTM`` or the tanh RNN) over *xs* as one node: its hidden states, the
    cell's state set to the state after the last step; None where :func:`covers` does not
    hold (the caller steps the cell)."""
    is_lstm = isinstance(cell, L.LSTM)
    state = (cell.c, cell.h) if is_lstm else (cell.h,)
    if not covers(xs, state, cell.upward, cell.lateral):
        return None
    if is_lstm:
        hs, cell.c, cell.h = lstm_window(xs, *state, cell.upward, cell.lateral)
    else:
        hs, cell.h = tanh_window(xs, *state, cell.upward, cell.lateral)
    return hs


def lstm_window(xs, c, h, upward, lateral):
    """``L.LSTM``'s steps over *xs* (steps, batch, in) from state *c*, *h* (either may be
    None, as after ``reset_state``): ``(hs, c, h)``, Variables."""
    if c is None:
        c = np.zeros((xs.shape[1], lateral.W.shape[1]), dtype=xs.dtype)
    state = (c,) if h is None else (c, h)
    return LSTMWindow(h is not None).apply(
        (xs, *state, upward.W, upward.b, lateral.W))


def tanh_window(xs, h, upward, lateral):
    """:class:`netlib.links.recurrent.TanhRNN`'s steps over *xs* from *h* (or None):
    ``(hs, h)``."""
    state = () if h is None else (h,)
    return TanhWindow(h is not None).apply((xs, *state, upward.W, upward.b, lateral.W))


def _sigmoid(x):
    half = x.dtype.type(0.5)
    return np.tanh(x * half) * half + half


def _gates(x):
    """The four (batch, units) views of Chainer's interleaved (batch, 4 * units) gates."""
    r = x.reshape(len(x), x.shape[1] // 4, 4)
    return [r[:, :, i] for i in range(4)]


# The products stay one per step, as Chainer's: one product over all steps (2240 x 128
# by 128 x 512) takes 2.8 ms of CPU where 35 take 3.3, but this OpenBLAS (0.3.23,
# Haswell kernels) rounds a row of it differently in a fifth of the elements, and a
# parameter's gradient summed over steps in one product would change the order of
# Chainer's sums.  The element-wise forward stays NumPy's: Numba's tanh differs from
# NumPy's SIMD tanh in 37% of float32 values, and all of it takes 0.04 ms a step
# (1.5 ms of an update's 45).
def _linear(x, W, b=None):
    """``LinearFunction.forward``: x W^T into a fresh array, then the bias added in place."""
    if not (x.flags.c_contiguous or x.flags.f_contiguous) and 1 in x.shape:
        x = np.ascontiguousarray(x)  # as Chainer does (NumPy's dot refuses some such views)
    y = np.empty((x.shape[0], W.shape[0]), dtype=x.dtype)
    np.dot(x, W.T, out=y)
    if b is not None:
        y += b
    return y


class _Window(function_node.FunctionNode):
    """Inputs ``xs, *state, W_up, b_up, W_lat``; outputs ``hs, *state after the last step``.

    A cell's ``step_backward`` turns one step's gradients of h (and c) into
    those of its pre-activation z (what both products were summed into) and of
    the previous c; :class:`_WindowGrad` does the products.
    """

    def __init__(self, has_h):
        self.has_h = has_h  # no h: the first step has no lateral term (a reset cell)

    def keep(self, xs, h, W_up, W_lat, hs):
        """What the backward pass reads, besides what a cell's forward keeps itself."""
        self.xs, self.h_first, self.W_up, self.W_lat, self.hs = xs, h, W_up, W_lat, hs

    def backward(self, indexes, grad_outputs):
        present = tuple(g is not None for g in grad_outputs)
        return _WindowGrad(self, indexes, present).apply(
            [g for g in grad_outputs if g is not None])


class LSTMWindow(_Window):
    """Inputs ``xs, c, [h], W_up, b_up, W_lat``; outputs ``hs, c_last, h_last``."""

    def forward_cpu(self, inputs):
        xs, c = inputs[:2]
        h = inputs[2] if self.has_h else None
        W_up, b_up, W_lat = inputs[-3:]
        hs = np.empty((len(xs),) + c.shape, dtype=xs.dtype)
        self.cs, self.saved = [c], []
        self.keep(xs, h, W_up, W_lat, hs)
        for t in range(len(xs)):
            z = _linear(xs[t], W_up, b_up)
            if h is not None:
                z = z + _linear(h, W_lat)
            a, i, f, o = _gates(z)
            a, i, f, o = np.tanh(a), _sigmoid(i), _sigmoid(f), _sigmoid(o)
            c = a * i + f * c
            co = np.tanh(c)
            hs[t] = h = o * co
            self.cs.append(c)
            self.saved.append((a, i, f, o, co))
        return hs, c, h.copy()

    def step_backward(self, t, gh, gc):
        """``LSTMGrad.forward`` on the CPU, compiled (:func:`netlib.kernels.compiled.lstm_step_grad`,
        bit for bit NumPy's).  The activations are the forward pass's, the values it
        recomputes; an absent gradient is 0."""
        # Compiled: 0.034 -> 0.004 ms a step of 64 x 128.
        a, i, f, o, co = self.saved[t]
        zeros = None if gh is not None and gc is not None else np.zeros_like(co)
        gz = np.empty((len(co), 4 * co.shape[1]), dtype=co.dtype)
        gc_prev = np.empty_like(co)
        compiled.lstm_step_grad(zeros if gh is None else gh, zeros if gc is None else gc,
                                a, i, f, o, co, self.cs[t], gz, gc_prev)
        return gz, gc_prev


class TanhWindow(_Window):
    """Inputs ``xs, [h], W_up, b_up, W_lat``; outputs ``hs, h_last``."""

    def forward_cpu(self, inputs):
        xs = inputs[0]
        h = inputs[1] if self.has_h else None
        W_up, b_up, W_lat = inputs[-3:]
        hs = np.empty((len(xs), len(xs[0]), W_up.shape[0]), dtype=xs.dtype)
        self.keep(xs, h, W_up, W_lat, hs)
        for t in range(len(xs)):
            u = _linear(xs[t], W_up, b_up)
            if h is not None:
                u = u + _linear(h, W_lat)
            hs[t] = h = np.tanh(u)
        return hs, h.copy()

    def step_backward(self, t, gh, gc):
        """``TanhGrad.forward_cpu``: gy * (1 - y * y)."""
        y = self.hs[t]
        return gh * (y.dtype.type(1) - y * y), None


class _WindowGrad(function_node.FunctionNode):
    """The gradients of a window, step by step from the last (no double backprop)."""

    def __init__(self, window, indexes, present):
        self.window, self.indexes, self.present = window, indexes, present

    def forward_cpu(self, grads):
        w = self.window
        is_lstm = isinstance(w, LSTMWindow)
        g_hs, *g_last = _unpack(grads, self.present)
        g_c, g_h = g_last if is_lstm else (None, g_last[0])
        g_xs = np.empty_like(w.xs)
        g_W_up, g_b_up, g_W_lat = _BackpropSum(), _BackpropSum(), _BackpropSum()
        gc, gh_lateral = g_c, None
        last = len(w.xs) - 1
        for t in range(last, -1, -1):
            gh = _add_terms(None if g_hs is None else g_hs[t], gh_lateral)
            if t == last:
                gh = _add_terms(gh, g_h)
            gz, gc = w.step_backward(t, gh, gc)
            g_xs[t] = gz.dot(w.W_up)
            g_W_up.add(gz.T.dot(w.xs[t]))
            g_b_up.add(gz.sum(axis=0))
            h_prev = w.hs[t - 1] if t > 0 else w.h_first
            if h_prev is not None:
                gh_lateral = gz.dot(w.W_lat)
                g_W_lat.add(gz.T.dot(h_prev))
        g_state = ([gc] if is_lstm else []) + ([gh_lateral] if w.has_h else [])
        if g_W_lat.total is None:  # one step from a reset cell: no lateral term at all
            g_W_lat.add(np.zeros_like(w.W_lat))
        by_input = [g_xs, *g_state, g_W_up.total, g_b_up.total, g_W_lat.total]
        return tuple(by_input[i] for i in self.indexes)


class _BackpropSum:
    """A parameter's gradient summed as Chainer's backprop sums its list (``F.add`` of
    it): the terms in the order the steps' nodes were visited (the last step's
    first), each added to the total of those before.  Each term is a fresh array, so
    the first can take the sum in place."""
    # Summed as they come rather than listed (35 arrays of 512 x 128 out of cache): the
    # LSTM window's backward (35 x 64 x 128) 21.0 -> 13.6 ms of CPU, the same bits.

    def __init__(self):
        self.total = None

    def add(self, term):
        if self.total is None:
            self.total = term
        else:
            self.total += term


def _unpack(grads, present):
    grads = iter(grads)
    return [next(grads) if given else None for given in present]


def _add_terms(first, second):
    """Two gradient terms of one variable (F.add), either of them possibly absent."""
    if first is None:
        return second
    if second is None:
        return first
    return first + second
