"""Compiled CPU loops (Numba) for the element-wise passes that NumPy makes in many steps.

Each loop does in one pass over memory what NumPy does in several, each pass
with a temporary array.  They run on one core, which already runs these passes
at memory speed.  ``cache=True`` keeps the machine code in
``__pycache__``, so only the first run on a machine compiles.

The arithmetic is Chainer's, operation for operation and in float32 (scalars
are cast to float32 before the loop, as NumPy casts a Python float against a
float32 array), so the results equal Chainer's bit for bit;
``tests/test_fast.py`` checks that.  Each kernel that calls them (:mod:`netlib.kernels`'s
table) says, next to its code, what it saves.
"""

import functools
import importlib.util
import sys

import numpy as np


def _imported_on_first_use(name):
    """Module *name*, executed when one of its attributes is first read (importlib's
    ``LazyLoader``)."""
    spec = importlib.util.find_spec(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# Importing Numba took 0.19 s of every run's start-up; a run that calls no compiled
# loop (mnist_inference, the steps and gates posts) now never imports it.
numba = sys.modules.get('numba') or _imported_on_first_use('numba')


# Not parallel: Numba's parallel loops slowed the matrix products next to them tenfold
# (OpenMP's and OpenBLAS's waiting threads spin against each other on 2 cores).
def compiled(function):
    """``numba.njit(cache=True, error_model='numpy')``, applied at the first call."""
    jitted = None

    @functools.wraps(function)
    def call(*args, **kwargs):
        nonlocal jitted
        if jitted is None:
            jitted = numba.njit(cache=True, error_model='numpy')(function)
        return jitted(*args, **kwargs)
    return call


@compiled
def max_pool_2x2(x, y, corner):
    """y = the maximum of every 2x2 window of x (planes, 2h, 2w); corner = 0-3, which one held it.

    Corners count in row-major order (0 1 / 2 3); the first of equal values
    wins, as in Chainer's argmax.
    """
    # The arrays are indexed directly: row views taken inside the loop made the
    # backward loop 4x slower.
    planes, h, w = y.shape
    for p in range(planes):
        for i in range(h):
            for j in range(w):
                best, which = x[p, 2 * i, 2 * j], 0
                if x[p, 2 * i, 2 * j + 1] > best:
                    best, which = x[p, 2 * i, 2 * j + 1], 1
                if x[p, 2 * i + 1, 2 * j] > best:
                    best, which = x[p, 2 * i + 1, 2 * j], 2
                if x[p, 2 * i + 1, 2 * j + 1] > best:
                    best, which = x[p, 2 * i + 1, 2 * j + 1], 3
                y[p, i, j] = best
                corner[p, i, j] = which


@compiled
def max_unpool_2x2(gy, corner, gx):
    """gx (planes, 2h, 2w) = gy put back in the corner each window's maximum came from, else 0."""
    planes, h, w = gy.shape
    for p in range(planes):
        for i in range(h):
            for j in range(w):
                g, which = gy[p, i, j], corner[p, i, j]
                gx[p, 2 * i, 2 * j] = g if which == 0 else 0
                gx[p, 2 * i, 2 * j + 1] = g if which == 1 else 0
                gx[p, 2 * i + 1, 2 * j] = g if which == 2 else 0
                gx[p, 2 * i + 1, 2 * j + 1] = g if which == 3 else 0


@compiled
def im2col(x, kh, kw, col, back=False):
    """col[(k, i, j), b, y*ow + z] = x[b, k, y + i, z + j]: stride 1, no padding.

    x is (n, c, h, w) and col (c*kh*kw, n, oh*ow), both C-contiguous: the
    rows of one matrix product over all n images.  With *back* (col2im), the
    other way: x[b, k, y + i, z + j] += col[...].
    """
    # Flat, unsigned indices let LLVM vectorise the copies: with signed ones Numba
    # checks every index for wrap-around, 5x slower.
    n, c, h, w = x.shape
    oh, ow = h - kh + 1, w - kw + 1
    x, col = x.reshape(-1), col.reshape(-1)
    for k in range(c):
        for offset in range(kh * kw):
            i, j = offset // kw, offset % kw
            for b in range(n):
                row = numba.uint64(((k * kh * kw + offset) * n + b) * oh * ow)
                for y in range(oh):
                    image = numba.uint64(((b * c + k) * h + y + i) * w + j)
                    column = row + numba.uint64(y * ow)
                    if back:
                        for z in range(numba.uint64(ow)):
                            x[image + z] += col[column + z]
                    else:
                        for z in range(numba.uint64(ow)):
                            col[column + z] = x[image + z]


@compiled
def channels_first(rows, bias, y):
    """y[b, o, l] = rows[o, b, l] + bias[o]: a block's product back into image order."""
    oc, n, length = rows.shape
    rows, y = rows.reshape(-1), y.reshape(-1)
    for o in range(oc):
        for b in range(n):
            source = numba.uint64((o * n + b) * length)
            target = numba.uint64((b * oc + o) * length)
            for l in range(numba.uint64(length)):
                y[target + l] = rows[source + l] + bias[o]


@compiled
def adam_update(param, grad, m, v, beta1_rest, beta2_rest, alpha_t, eps):
    """Chainer's Adam step on flat float32 arrays, in Chainer's order of operations.

    m += (1 - beta1) * (grad - m); v += (1 - beta2) * (grad * grad - v);
    param -= alpha_t / (sqrt(v) + eps) * m.
    """
    for i in range(param.size):
        g = grad[i]
        m[i] += beta1_rest * (g - m[i])
        v[i] += beta2_rest * (g * g - v[i])
        param[i] -= alpha_t / (np.sqrt(v[i]) + eps) * m[i]


@compiled
def ada_delta_update(param, grad, msg, msdx, rho, rho_rest, eps):
    """Chainer's AdaDelta step on flat float32 arrays, in Chainer's order of operations.

    msg = rho * msg + (1 - rho) * grad * grad;
    dx = sqrt((msdx + eps) / (msg + eps)) * grad;
    msdx = rho * msdx + (1 - rho) * dx * dx; param -= dx.
    """
    for i in range(param.size):
        g = grad[i]
        msg[i] = msg[i] * rho + rho_rest * g * g
        dx = np.sqrt((msdx[i] + eps) / (msg[i] + eps)) * g
        msdx[i] = msdx[i] * rho + rho_rest * dx * dx
        param[i] -= dx


@compiled
def dropout_mask(x, draws, threshold, scale, y):
    """y = x * scale where the draw (a random byte) >= threshold, else x * 0; flat arrays."""
    for i in range(x.size):
        y[i] = x[i] * scale if draws[i] >= threshold else x[i] * 0


@compiled
def relu_grad(y, gy, gx):
    """gx = gy where y > 0, else gy * 0 (Chainer's gy * (y > 0)); flat arrays."""
    for i in range(numba.uint64(y.size)):
        gx[i] = gy[i] if y[i] > 0 else gy[i] * 0


@compiled
def lstm_step_grad(gh, gc, a, i, f, o, co, c_prev, gz, gc_prev):
    """``LSTMGrad``'s CPU arithmetic for one step, in its order of operations and in the
    arrays' float type (``one``: a bare 1 would make Numba compute in float64).

    a, i, f, o are the gate activations, co = tanh(c); gz (batch, 4 * units) gets
    the gradient of the pre-activations in Chainer's interleaved gate order and
    gc_prev that of the previous cell state.
    """
    batch, units = co.shape
    one = co.dtype.type(1)
    for b in range(batch):
        for k in range(units):
            g = gh[b, k] * o[b, k] * (one - co[b, k] * co[b, k]) + gc[b, k]
            gz[b, 4 * k] = g * i[b, k] * (one - a[b, k] * a[b, k])
            gz[b, 4 * k + 1] = g * a[b, k] * (i[b, k] * (one - i[b, k]))
            gz[b, 4 * k + 2] = g * c_prev[b, k] * (f[b, k] * (one - f[b, k]))
            gz[b, 4 * k + 3] = gh[b, k] * co[b, k] * (o[b, k] * (one - o[b, k]))
            gc_prev[b, k] = g * f[b, k]


@compiled
def add_rows(target, rows, values):
    """target[rows[i]] += values[i] for every i in order (``np.add.at``), in one pass."""
    # Element by element: the row expression ``target[rows[i]] += values[i]`` took 9
    # times as long (2,240 rows of 512: 1.21 -> 0.13 ms).
    for i in range(len(rows)):
        row = rows[i]
        for j in range(values.shape[1]):
            target[row, j] += values[i, j]
