"""netlib.kernels.recurrent: a window of L.LSTM or TanhRNN steps as one node, against Chainer's steps.

The window node takes the input's products over the whole window, where Chainer
takes one a step (and CharLM's, its embedding inside, once per vocabulary entry), so
its float32 sums run in another order.  Two orders of a float32
sum of n terms differ by at most 2 n u times the sum of the terms' magnitudes
(u = 2**-24, float32's unit roundoff; Higham, Accuracy and Stability of Numerical
Algorithms, section 3.1); :func:`assert_float32_rounding` bounds each array by
2 n u times its largest element, n the longest sum in the window (steps x batch,
a parameter gradient's).  Measured: at most 5.7 u times the largest element here,
34 at char_lm's size (64 streams x 35 steps x 128 units, n = 2240), against
the bound's 70 and 4,480; a dropped or doubled step's term is off by about
1 / steps of it.  Same seed, same numbers: a rerun is compared byte for byte.
The gradients of the node itself are checked numerically in float64.
"""

import chainer
import chainer.functions as F
import chainer.links as L
import numpy as np
import pytest
from chainer import gradient_check

from netlib import kernels
from netlib.kernels import recurrent
from netlib.links.seq2seq import Seq2seq
from netlib.links.recurrent import CELLS, CharLM, SequenceRegressor, TanhRNN, read_window

VOCAB, UNITS, BATCH, STEPS = 11, 16, 5, 7
UNIT_ROUNDOFF = np.finfo(np.float32).eps / 2


def assert_float32_rounding(mine, theirs, terms=STEPS * BATCH):
    """*mine* equals *theirs* to a reordering of float32 sums of *terms* terms."""
    for a, b in zip(mine, theirs):
        bound = 2 * terms * UNIT_ROUNDOFF * np.abs(b).max()
        assert a.shape == b.shape and np.abs(a - b).max() <= bound, (np.abs(a - b).max(), bound)


def char_lm_windows(kind, kernel_set, windows=2):
    """Scores, loss, every parameter's gradient and the state after each of *windows*
    truncated windows (the state carried over, the weights moved in between)."""
    np.random.seed(0)
    model = CharLM(VOCAB, UNITS, kind)
    model.start_state(BATCH)
    rng = np.random.RandomState(1)
    results = []
    with kernels.using(kernel_set):
        for _ in range(windows):
            xs = rng.randint(0, VOCAB, (STEPS, BATCH)).astype(np.int32)
            ts = rng.randint(0, VOCAB, STEPS * BATCH).astype(np.int32)
            model.cleargrads()
            scores = model.window(xs)
            loss = F.softmax_cross_entropy(scores, ts)
            loss.backward()
            loss.unchain_backward()
            state = [model.cell.h.array.copy()]
            if kind == 'lstm':
                state.append(model.cell.c.array.copy())
            grads = [param.grad.copy() for _, param in sorted(model.namedparams())]
            results.append([scores.array, loss.array, *grads, *state])
            for param in model.params():
                param.array -= 0.5 * param.grad
    return results


@pytest.mark.parametrize('kind', CELLS)
def test_char_lm_window_is_chainers_steps_to_float32_rounding(kind):
    for ours, chainers in zip(char_lm_windows(kind, 'fast'), char_lm_windows(kind, 'chainer')):
        assert_float32_rounding(ours, chainers)


@pytest.mark.parametrize('kind', CELLS)
def test_the_same_seed_gives_the_same_bytes(kind):
    for first, again in zip(char_lm_windows(kind, 'fast'), char_lm_windows(kind, 'fast')):
        for mine, theirs in zip(first, again):
            assert mine.tobytes() == theirs.tobytes()


def make_cell(kind, n_in, dtype=np.float32):
    np.random.seed(2)
    with chainer.using_config('dtype', dtype):
        cell = L.LSTM(n_in, UNITS) if kind == 'lstm' else TanhRNN(n_in, UNITS)
    cell.cleargrads()  # a new parameter's grad is NaN, and backward adds to it
    return cell


@pytest.mark.parametrize('kind', CELLS)
@pytest.mark.parametrize('with_state', [True, False])
def test_gradients_through_the_last_state_only_are_chainers(kind, with_state):
    """As an encoder: no gradient for hs, only for the state after the window."""
    rng = np.random.RandomState(3)
    xs = rng.uniform(-1, 1, (STEPS, BATCH, 3)).astype(np.float32)
    state = rng.uniform(-1, 1, (2, BATCH, UNITS)).astype(np.float32)
    results = []
    for kernel_set in ('fast', 'chainer'):
        cell = make_cell(kind, 3)
        if with_state and kind == 'lstm':
            cell.set_state(*map(chainer.Variable, state))
        elif with_state:
            cell.h = chainer.Variable(state[1])
        x = chainer.Variable(xs)
        with kernels.using(kernel_set):
            read_window(cell, x)
        last = cell.h if kind == 'rnn' else cell.c * 2 + cell.h
        F.sum(last * last).backward()
        results.append([x.grad, cell.h.array] + [p.grad for _, p in sorted(cell.namedparams())])
    assert_float32_rounding(*results)


def test_the_window_is_one_node_only_under_fast_kernels():
    cell = make_cell('lstm', 3)
    xs = np.zeros((STEPS, BATCH, 3), dtype=np.float32)
    with kernels.using('fast'):
        assert isinstance(read_window(cell, xs).creator, recurrent.LSTMWindow)
    cell.reset_state()
    with kernels.using('chainer'):
        assert read_window(cell, xs).creator.label == 'Stack'


def test_a_state_of_more_sequences_than_the_window_takes_the_steps():
    """L.LSTM steps the first rows of a larger state and keeps the rest; the node does not."""
    state = np.random.RandomState(5).uniform(-1, 1, (2, BATCH + 1, UNITS)).astype(np.float32)
    xs = np.ones((STEPS, BATCH, 3), dtype=np.float32)
    hs = []
    for kernel_set in ('fast', 'chainer'):
        cell = make_cell('lstm', 3)
        cell.set_state(*map(chainer.Variable, state))
        with kernels.using(kernel_set):
            hs.append(read_window(cell, xs))
    assert hs[0].creator.label == 'Stack'
    np.testing.assert_array_equal(hs[0].array, hs[1].array)


@pytest.mark.parametrize('kind', CELLS)
@pytest.mark.parametrize('with_state', [True, False])
def test_window_gradients_are_numerical(kind, with_state):
    """Every input and parameter, every output (hs and the last state) given a gradient."""
    cell = make_cell(kind, 3, np.float64)
    rng = np.random.RandomState(4)
    xs = rng.uniform(-1, 1, (4, 2, 3))
    check_window_gradients(kind, with_state, cell, rng, xs, lambda xs: (xs,),
                           recurrent.InputVectors)


@pytest.mark.parametrize('kind', CELLS)
@pytest.mark.parametrize('with_state', [True, False])
def test_embedded_window_gradients_are_numerical(kind, with_state):
    """The embedding inside the node: E's, the state's and every parameter's gradient."""
    cell = make_cell(kind, 3, np.float64)
    rng = np.random.RandomState(9)
    ids = rng.randint(0, VOCAB, (4, 2)).astype(np.int32)
    E = rng.uniform(-1, 1, (VOCAB, 3))
    check_window_gradients(kind, with_state, cell, rng, E, lambda E: (ids, E),
                           recurrent.EmbeddedIds)


def check_window_gradients(kind, with_state, cell, rng, checked, head, source):
    """``gradient_check`` of a window of 4 steps of 2 sequences: the input *checked*
    (the window's head is ``head(checked)``, read by a new *source* each call), the
    state where *with_state*, and every parameter of *cell*."""
    state = tuple(rng.uniform(-1, 1, (2, UNITS)) for _ in range(2 if kind == 'lstm' else 1))
    links = (cell.upward, cell.lateral)

    def forward(checked, *state):
        if kind == 'lstm':
            c, h = state if with_state else (None, None)
            return recurrent.lstm_window(head(checked), c, h, *links, source())
        return recurrent.tanh_window(head(checked), state[0] if with_state else None, *links,
                                     source())
    inputs = (checked, *state) if with_state else (checked,)
    outputs = [(4, 2, UNITS)] + [(2, UNITS)] * (2 if kind == 'lstm' else 1)
    grads = tuple(rng.uniform(-1, 1, shape) for shape in outputs)
    params = [param for _, param in sorted(cell.namedparams())]
    gradient_check.check_backward(forward, inputs, grads, params=params, eps=1e-6,
                                  atol=1e-6, rtol=1e-5)


def test_char_lm_reads_its_embedding_inside_the_window_only_under_fast_kernels():
    model = CharLM(VOCAB, UNITS, 'lstm')
    ids = np.zeros((STEPS, BATCH), dtype=np.int32)
    with kernels.using('fast'):
        hs = kernels.read_embedded_window(model.cell, model.embed, ids)
    assert isinstance(hs.creator.source, recurrent.EmbeddedIds)
    model.cell.reset_state()
    with kernels.using('chainer'):
        assert kernels.read_embedded_window(model.cell, model.embed, ids).creator.label == 'Stack'


def gradients_under(kernel_set, make_model, loss_of, *inputs):
    """The loss, the inputs' and every parameter's gradient of a fresh model."""
    np.random.seed(6)
    model = make_model()
    model.cleargrads()
    variables = [chainer.Variable(x) for x in inputs]
    with kernels.using(kernel_set):
        loss = loss_of(model, *variables)
    loss.backward()
    return [loss.array] + [v.grad for v in variables] + [
        param.grad for _, param in sorted(model.namedparams())]


@pytest.mark.parametrize('kind', CELLS)
def test_sequence_regressor_is_chainers_steps_to_float32_rounding(kind):
    x = np.random.RandomState(7).uniform(0, 1, (BATCH, STEPS, 2)).astype(np.float32)
    results = [gradients_under(kernel_set, lambda: SequenceRegressor(kind, 2, UNITS),
                               lambda model, x: F.sum(model(x) ** 2), x)
               for kernel_set in ('fast', 'chainer')]
    assert_float32_rounding(*results)


def test_seq2seq_is_chainers_steps_to_float32_rounding():
    rng = np.random.RandomState(8)
    x, t = rng.randint(0, 12, (BATCH, 7)).astype(np.int32), rng.randint(0, 12, (BATCH, 4))
    results = []
    for kernel_set in ('fast', 'chainer'):
        results.append(gradients_under(kernel_set, lambda: Seq2seq(12, UNITS),
                                       lambda model: model(x, t.astype(np.int32))))
        np.random.seed(6)
        with kernels.using(kernel_set):
            results[-1].append(Seq2seq(12, UNITS).translate(x, 4))
    assert_float32_rounding(results[0][:-1], results[1][:-1])
    np.testing.assert_array_equal(results[0][-1], results[1][-1])  # the decoded digits
