"""A window of recurrent steps as ONE Chainer function node: ``L.LSTM`` and a tanh RNN.

Computes what Chainer's per-step graph of ``L.LSTM`` (``chainer.links.rnn.lstm``
with ``chainer.functions.rnn.lstm``) and of :class:`netlib.links.recurrent.TanhRNN`
(two ``L.Linear`` and ``F.tanh``) compute, with the input's products taken over
the whole window at once, as PyTorch's ``nn.LSTM`` does: the upward product
``xs W_up^T + b`` is one (steps x batch, in) product, and in backward the input
gradient and the upward weights' and bias's gradients are one product (or sum)
each over all steps, and so is the lateral weights' gradient.  Only the lateral
product ``h W_lat^T`` and its gradient stay one per step, since each step needs
the last one's h.  Where the window's input is an embedding's output (a character
model's), the embedding is inside the node and the upward products are taken once
per vocabulary entry (:class:`EmbeddedIds`).  Those sums run in another order than
Chainer's step-by-step ones, so the numbers are Chainer's to float32 rounding
(``tests/test_recurrent_kernel.py`` states the bound); the element-wise
arithmetic of a step is Chainer's own: NumPy's expressions and a compiled
backward step (:func:`netlib.kernels.compiled.lstm_step_grad`) on the CPU,
Chainer's own CUDA kernels on a GPU.

Inputs are the window ``xs`` (steps, batch, in) or ``ids, E``, the state and the
links' parameters; outputs the hidden states ``hs`` (steps, batch, units) and the
state after the last step, which the cell keeps as the per-step path would.
:func:`read_window` and :func:`read_embedded_window` take the cell itself;
``netlib.kernels``' functions of the same names call them under ``'fast'``.
"""

import chainer
import chainer.links as L
import numpy as np
from chainer import backend, function_node
from chainer.backends import cuda
from chainer.functions.rnn import lstm as chainer_lstm

from netlib.kernels import compiled


def covers(xs, state, upward, lateral):
    """Whether the window node computes this case (else the per-step path): a window
    (steps, batch, in) that :func:`_fits` the cell."""
    xs_array = chainer.as_array(xs)
    return xs_array.ndim == 3 and _fits(xs_array, xs_array.shape[:2], state, upward, lateral)


def covers_embedded(embed, ids, state, upward, lateral):
    """Whether :func:`read_embedded_window` computes this case: integer ids (steps, batch)
    on the CPU, no ignored label, and an embedding that :func:`_fits` the cell."""
    ids = chainer.as_array(ids)
    return (type(ids) is np.ndarray and ids.dtype.kind == 'i' and ids.ndim == 2
            and embed.ignore_label is None and type(embed.W.array) is np.ndarray
            and _fits(embed.W.array, ids.shape, state, upward, lateral))


def _fits(values, window, state, upward, lateral):
    """The input *values* and the cell's arrays of one device and one float dtype,
    initialised links with a bias upward and none laterally, a window (steps, batch)
    of at least one step, and a state (where given) of the window's batch size."""
    if upward.W.array is None or upward.b is None or lateral.b is not None:
        return False
    arrays = [chainer.as_array(a) for a in (values, upward.W, upward.b, lateral.W, *state)
              if a is not None]
    xp = backend.get_array_module(*arrays)
    steps, batch = window
    return (xp in (np, cuda.cupy) and all(isinstance(a, xp.ndarray) for a in arrays)
            and values.dtype in (np.float32, np.float64)
            and all(a.dtype == values.dtype for a in arrays)
            and steps > 0 and all(s.shape[0] == batch for s in state if s is not None))


def read_window(cell, xs):
    """*cell* (``L.LSTM`` or the tanh RNN) over *xs* as one node: its hidden states, the
    cell's state set to the state after the last step; None where :func:`covers` does not
    hold (the caller steps the cell)."""
    if not covers(xs, _state(cell), cell.upward, cell.lateral):
        return None
    return _read(cell, InputVectors(), (xs,))


def read_embedded_window(cell, embed, ids):
    """*cell* over ``embed(ids)`` as one node, the embedding inside it
    (:class:`EmbeddedIds`); None where :func:`covers_embedded` does not hold."""
    if not covers_embedded(embed, ids, _state(cell), cell.upward, cell.lateral):
        return None
    return _read(cell, EmbeddedIds(), (ids, embed.W))


def _state(cell):
    return (cell.c, cell.h) if isinstance(cell, L.LSTM) else (cell.h,)


def _read(cell, source, head):
    if isinstance(cell, L.LSTM):
        hs, cell.c, cell.h = lstm_window(head, cell.c, cell.h, cell.upward, cell.lateral,
                                         source)
    else:
        hs, cell.h = tanh_window(head, cell.h, cell.upward, cell.lateral, source)
    return hs


def lstm_window(head, c, h, upward, lateral, source):
    """``L.LSTM``'s steps over the window *head*, what *source* reads (:class:`InputVectors`:
    ``(xs,)``, xs (steps, batch, in)), from state *c*, *h* (either may be None, as after
    ``reset_state``): ``(hs, c, h)``, Variables."""
    if c is None:
        c = upward.xp.zeros((head[0].shape[1], lateral.W.shape[1]), dtype=upward.W.dtype)
    state = (c,) if h is None else (c, h)
    return LSTMWindow(h is not None, source).apply(
        (*head, *state, upward.W, upward.b, lateral.W))


def tanh_window(head, h, upward, lateral, source):
    """:class:`netlib.links.recurrent.TanhRNN`'s steps over the window *head* from *h*
    (or None): ``(hs, h)``."""
    state = () if h is None else (h,)
    return TanhWindow(h is not None, source).apply(
        (*head, *state, upward.W, upward.b, lateral.W))


class InputVectors:
    """The upward term ``xs W_up^T + b`` of input vectors xs (steps, batch, in): one
    product over the window, and one for each gradient."""
    inputs = 1

    def forward(self, head, W_up, b_up):
        self.xs, = head
        z = _rows(self.xs).dot(W_up.T).reshape(*self.xs.shape[:2], -1)
        z += b_up
        return z

    def backward(self, gz_all, W_up):
        """The gradients of the head (xs) and of W_up."""
        gz = _rows(gz_all)
        return (gz.dot(W_up).reshape(self.xs.shape),), gz.T.dot(_rows(self.xs))


class EmbeddedIds:
    """The upward term of ids (steps, batch) through an embedding E (vocab, in): the
    products taken once per vocabulary entry instead of once per character.

    ``E[ids] W_up^T + b`` is ``(E W_up^T + b)[ids]``, the same sums.  Backward adds the
    rows of the pre-activations' gradient per entry first (G, vocab x gates), so the
    embedding's gradient is ``G W_up`` and W_up's ``G^T E``: sums over the window in
    another order, products of vocab rows where the input's took steps x batch.
    """
    inputs = 2

    def forward(self, head, W_up, b_up):
        self.ids, self.E = head
        table = self.E.dot(W_up.T)
        table += b_up
        return table[self.ids]

    def backward(self, gz_all, W_up):
        """The gradients of the head (none for the ids; E's) and of W_up."""
        per_entry = np.zeros((len(self.E), gz_all.shape[-1]), dtype=gz_all.dtype)
        compiled.add_rows(per_entry, self.ids.ravel(), _rows(gz_all))
        return (None, per_entry.dot(W_up)), per_entry.T.dot(self.E)


def _sigmoid(x):
    half = x.dtype.type(0.5)
    return np.tanh(x * half) * half + half


def _gates(x):
    """The four (batch, units) views of Chainer's interleaved (batch, 4 * units) gates."""
    r = x.reshape(len(x), x.shape[1] // 4, 4)
    return [r[:, :, i] for i in range(4)]


def _rows(array):
    """(steps, batch, n) as (steps x batch, n), a view."""
    return array.reshape(-1, array.shape[-1])


class _Window(function_node.FunctionNode):
    """Inputs ``*head, *state, W_up, b_up, W_lat``; outputs ``hs, *state after the last
    step``.  The head is what *source* reads (:class:`InputVectors`: ``xs``;
    :class:`EmbeddedIds`: ``ids, E``).

    ``forward`` takes the upward term of the whole window from the source, then each
    step's lateral product and element-wise step (a cell's ``step``); backward is
    :class:`_WindowGrad`, which turns each step's gradients of h (and c) into those
    of its pre-activation z with the cell's ``step_backward``.
    """

    def __init__(self, has_h, source):
        self.has_h = has_h  # no h: the first step has no lateral term (a reset cell)
        self.source = source

    def forward(self, inputs):
        count = self.source.inputs
        head, state, (W_up, b_up, W_lat) = inputs[:count], inputs[count:-3], inputs[-3:]
        z = self.source.forward(head, W_up, b_up)  # every step's upward term
        xp = backend.get_array_module(z)
        h = state[-1] if self.has_h else None
        steps, batch, units = len(z), z.shape[1], W_lat.shape[1]
        # hs_all[0] is the h before the window, hs_all[t + 1] step t's: the lateral
        # gradient's products read hs_all[:-1] as one array.
        self.hs_all = xp.empty((steps + 1, batch, units), dtype=z.dtype)
        if h is not None:
            self.hs_all[0] = h
        self.W_up, self.W_lat, self.z = W_up, W_lat, z
        self.start(state, xp)
        for t in range(steps):
            if h is not None:
                z[t] += h.dot(W_lat.T)
            h = self.hs_all[t + 1]
            self.step(t, z[t], h)
        return (self.hs_all[1:],) + self.last_state() + (h.copy(),)

    def backward(self, indexes, grad_outputs):
        present = tuple(g is not None for g in grad_outputs)
        return _WindowGrad(self, indexes, present).apply(
            [g for g in grad_outputs if g is not None])


class LSTMWindow(_Window):
    """Inputs ``xs, c, [h], W_up, b_up, W_lat``; outputs ``hs, c_last, h_last``."""

    def start(self, state, xp):
        self.xp = xp
        self.cs = xp.empty((len(self.z) + 1,) + state[0].shape, dtype=state[0].dtype)
        self.cs[0] = state[0]
        self.activations = []  # each step's a, i, f, o and tanh(c), which the CPU backward reads

    def last_state(self):
        return (self.cs[-1].copy(),)

    def step(self, t, z, h):
        """Chainer's ``LSTM.forward``: c and h of step *t* from its pre-activation *z*."""
        # NumPy's expressions: a compiled pass was 1.4 times slower over a char_lm run, as
        # Numba calls libm's scalar tanh where NumPy's is vectorised.
        c_prev, c = self.cs[t], self.cs[t + 1]
        if self.xp is not np:
            cuda.elementwise(
                'T c_prev, T a, T i_, T f, T o', 'T c, T h',
                'COMMON_ROUTINE; c = aa * ai + af * c_prev; h = ao * tanh(c);',
                'lstm_fwd', preamble=chainer_lstm._preamble)(c_prev, *_gates(z), c, h)
            return
        a, i, f, o = _gates(z)
        a, i, f, o = np.tanh(a), _sigmoid(i), _sigmoid(f), _sigmoid(o)
        c[...] = a * i + f * c_prev
        co = np.tanh(c)
        h[...] = o * co
        self.activations.append((a, i, f, o, co))

    def step_backward(self, t, gh, gc, gz):
        """Chainer's ``LSTMGrad.forward`` for step *t*: *gz* filled, the gradient of the
        previous c returned.  An absent gradient is 0."""
        co_like = self.cs[t]
        zeros = None if gh is not None and gc is not None else self.xp.zeros_like(co_like)
        gh = zeros if gh is None else gh
        gc = zeros if gc is None else gc
        gc_prev = self.xp.empty_like(co_like)
        if self.xp is not np:
            cuda.elementwise(
                'T c_prev, T c, T gc, T gh, T a, T i_, T f, T o',
                'T gc_prev, T ga, T gi, T gf, T go',
                '''COMMON_ROUTINE; T co = tanh(c); T temp = gh * ao * grad_tanh(co) + gc;
                   ga = temp * ai * grad_tanh(aa); gi = temp * aa * grad_sigmoid(ai);
                   gf = temp * c_prev * grad_sigmoid(af); go = gh * co * grad_sigmoid(ao);
                   gc_prev = temp * af;''',
                'lstm_bwd', preamble=chainer_lstm._preamble)(
                    self.cs[t], self.cs[t + 1], gc, gh, *_gates(self.z[t]),
                    gc_prev, *_gates(gz))
            return gc_prev
        # Compiled: 0.034 -> 0.004 ms a step of 64 x 128, the same bits as NumPy's.
        compiled.lstm_step_grad(gh, gc, *self.activations[t], self.cs[t], gz, gc_prev)
        return gc_prev


class TanhWindow(_Window):
    """Inputs ``xs, [h], W_up, b_up, W_lat``; outputs ``hs, h_last``."""

    def start(self, state, xp):
        self.xp = xp

    def last_state(self):
        return ()

    def step(self, t, z, h):
        self.xp.tanh(z, out=h)

    def step_backward(self, t, gh, gc, gz):
        """``TanhGrad``: gy * (1 - y * y)."""
        y = self.hs_all[t + 1]
        gz[...] = gh * (y.dtype.type(1) - y * y)
        return None


class _WindowGrad(function_node.FunctionNode):
    """The gradients of a window: step by step from the last for the recurrence, then
    the window-wide products (no double backprop)."""

    def __init__(self, window, indexes, present):
        self.window, self.indexes, self.present = window, indexes, present

    def forward(self, grads):
        w = self.window
        is_lstm = isinstance(w, LSTMWindow)
        g_hs, *g_last = _unpack(grads, self.present)
        g_c, g_h = g_last if is_lstm else (None, g_last[0])
        gz_all = w.xp.empty_like(w.z)
        gc, gh_lateral = g_c, None
        last = len(w.z) - 1
        for t in range(last, -1, -1):
            gh = _add_terms(None if g_hs is None else g_hs[t], gh_lateral)
            if t == last:
                gh = _add_terms(gh, g_h)
            gc = w.step_backward(t, gh, gc, gz_all[t])
            if t > 0 or w.has_h:
                gh_lateral = gz_all[t].dot(w.W_lat)
        g_state = ([gc] if is_lstm else []) + ([gh_lateral] if w.has_h else [])
        g_head, g_W_up = w.source.backward(gz_all, w.W_up)
        g_b_up = _rows(gz_all).sum(axis=0)
        by_input = [*g_head, *g_state, g_W_up, g_b_up, _lateral_grad(w, gz_all)]
        return tuple(by_input[i] for i in self.indexes)


def _lateral_grad(window, gz_all):
    """W_lat's gradient, one product over the window."""
    first = 0 if window.has_h else 1  # a reset cell's first step has no lateral term
    if first == len(gz_all):
        return window.xp.zeros_like(window.W_lat)
    return _rows(gz_all[first:]).T.dot(_rows(window.hs_all[first:-1]))


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
