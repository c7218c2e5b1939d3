"""netlib.kernels' fast kernels and netlib.iterators compute what Chainer computes, only faster."""

import chainer
import chainer.links as L
import numpy as np
import pytest
from chainer import gradient_check
from chainer.datasets import TupleDataset
from hypothesis import given, settings, strategies as st

from netlib.kernels import (CHAINER, convolution_2d, dropout, embed_id, max_pooling_2d, optimizers,
                            relu)
from netlib.iterators import ArrayIterator


def _conv_and_grads(convolution, x, W, b, gy):
    variables = [chainer.Variable(a) for a in (x, W, b)]
    y = convolution(*variables)
    y.grad = gy
    y.backward()
    return [y.array] + [v.grad for v in variables]


def test_convolution_equals_chainers():
    rng = np.random.RandomState(0)
    x, W, b = (rng.randn(*shape).astype('f') for shape in ((11, 3, 9, 8), (5, 3, 3, 2), (5,)))
    gy = rng.randn(11, 5, 7, 7).astype('f')  # 11 images: blocks of 4, 4 and 3
    ours = _conv_and_grads(convolution_2d.convolution_2d, x, W, b, gy)
    chainers = _conv_and_grads(CHAINER['convolution_2d'], x, W, b, gy)
    for mine, reference in zip(ours, chainers):
        np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-5)


def test_convolution_gradients_are_numerical_ones():
    rng = np.random.RandomState(1)
    x, W, b = (rng.randn(*shape) for shape in ((2, 2, 5, 5), (3, 2, 3, 3), (3,)))
    gradient_check.check_backward(convolution_2d.convolution_2d, (x, W, b), rng.randn(2, 3, 3, 3),
                                  dtype=np.float64, atol=1e-6, rtol=1e-5)


def test_convolution_falls_back_to_chainer_for_stride_and_padding():
    link = L.Convolution2D(2, 3, 3, stride=2, pad=1)
    x = np.random.RandomState(2).randn(1, 2, 6, 6).astype('f')
    expected = CHAINER['convolution_2d'](x, link.W, link.b, stride=2, pad=1).array
    ours = convolution_2d.convolution_2d(x, link.W, link.b, stride=2, pad=1).array
    np.testing.assert_array_equal(ours, expected)


def max_pooling_2x2(x):
    return max_pooling_2d.max_pooling_2d(x, 2)


def _value_and_grad(function, x, gy):
    variable = chainer.Variable(x)
    y = function(variable)
    y.grad = gy
    y.backward()
    return y.array, variable.grad


def test_max_pooling_equals_chainers_with_ties():
    rng = np.random.RandomState(3)
    x = rng.randint(0, 3, size=(2, 3, 6, 8)).astype('f')  # many ties in each window
    gy = rng.randn(2, 3, 3, 4).astype('f')
    ours = _value_and_grad(max_pooling_2x2, x, gy)
    chainers = _value_and_grad(lambda v: CHAINER['max_pooling_2d'](v, 2), x, gy)
    for mine, reference in zip(ours, chainers):
        np.testing.assert_array_equal(mine, reference)


def test_max_pooling_gradient_is_numerical():
    x = np.random.RandomState(4).permutation(2 * 2 * 4 * 4).reshape(2, 2, 4, 4) / 10.0
    gradient_check.check_backward(max_pooling_2x2, x, np.ones((2, 2, 2, 2)),
                                  dtype=np.float64)


@pytest.mark.parametrize('chainers, ours, options', [
    (chainer.optimizers.Adam, optimizers.Adam, {}),
    (chainer.optimizers.Adam, optimizers.Adam, {'amsgrad': True}),
    (chainer.optimizers.Adam, optimizers.Adam, {'weight_decay_rate': 0.01}),
    (chainer.optimizers.AdaDelta, optimizers.AdaDelta, {}),
    (chainer.optimizers.AdaDelta, optimizers.AdaDelta, {'rho': 0.9, 'eps': 1e-4}),
])
def test_fused_update_is_bit_identical_to_chainers(chainers, ours, options):
    finals = []
    for optimizer_class in (chainers, ours):
        np.random.seed(0)
        model = chainer.ChainList(L.Linear(5, 4), L.Linear(4, 3))
        optimizer = optimizer_class(**options)
        optimizer.setup(model)
        rng = np.random.RandomState(1)
        for _ in range(5):
            for param in model.params():
                param.grad = rng.randn(*param.shape).astype('f')
            optimizer.update()
        finals.append([param.array.copy() for param in model.params()])
    for mine, reference in zip(*finals):
        assert mine.dtype == np.float32
        np.testing.assert_array_equal(mine, reference)


def test_array_iterator_gives_serial_iterators_batches():
    dataset = TupleDataset(np.arange(46, dtype='f').reshape(23, 2), np.arange(23, dtype='i'))
    walks = []
    for iterator_class in (chainer.iterators.SerialIterator, ArrayIterator):
        np.random.seed(5)
        iterator = iterator_class(dataset, 5)
        walk = []
        for _ in range(12):
            batch = iterator.next()
            if iterator_class is chainer.iterators.SerialIterator:
                batch = chainer.dataset.concat_examples(batch)
            walk.append((batch, iterator.epoch, iterator.epoch_detail))
        walks.append(walk)
    for (ours, epoch, detail), (theirs, their_epoch, their_detail) in zip(walks[1], walks[0]):
        assert (epoch, detail) == (their_epoch, their_detail)
        for mine, reference in zip(ours, theirs):
            np.testing.assert_array_equal(mine, reference)


def test_array_iterator_stops_after_one_pass_without_repeat():
    dataset = TupleDataset(np.arange(7, dtype='f'), np.arange(7, dtype='i'))
    batches = list(ArrayIterator(dataset, 3, repeat=False, shuffle=False))
    assert [len(batch[0]) for batch in batches] == [3, 3, 1]
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), np.arange(7))


def test_other_datasets_get_chainers_serial_iterator():
    from netlib.iterators import batch_iterator, converter_for
    examples = [(np.float32(i), np.int32(i)) for i in range(5)]  # a plain list of tuples
    iterator = batch_iterator(examples, 2, shuffle=False)
    assert type(iterator) is chainer.iterators.SerialIterator
    x, t = converter_for(iterator)(iterator.next())
    np.testing.assert_array_equal(t, [0, 1])


def _dropout_and_grad(x, ratio, seed=0):
    np.random.seed(seed)
    return _value_and_grad(lambda v: dropout.dropout(v, ratio), x, np.full_like(x, 2.0))


@pytest.mark.parametrize('ratio', [0.25, 0.5])
def test_dropout_keeps_each_element_with_probability_one_minus_ratio(ratio):
    x = np.random.RandomState(6).uniform(1, 2, 1_000_000).astype('f')
    y, gx = _dropout_and_grad(x, ratio)
    kept = y != 0
    scale = np.float32(1 / (1 - ratio))
    np.testing.assert_array_equal(y[kept], x[kept] * scale)  # Chainer's scaling, exactly
    np.testing.assert_array_equal(gx, np.where(kept, 2 * scale, 0).astype('f'))
    # Bernoulli(1 - ratio) over 10^6 elements: the kept fraction within 5 standard deviations.
    assert abs(kept.mean() - (1 - ratio)) < 5 * np.sqrt(ratio * (1 - ratio) / x.size)


def test_dropout_draws_from_the_seeded_global_generator():
    x = np.ones((3, 50), 'f')
    first, second, other = (_dropout_and_grad(x, 0.5, seed)[0] for seed in (1, 1, 2))
    np.testing.assert_array_equal(first, second)
    assert (first != other).any()


def test_dropout_is_chainers_at_test_time_and_for_other_ratios():
    x = np.random.RandomState(7).randn(4, 9).astype('f')
    with chainer.using_config('train', False):
        np.testing.assert_array_equal(dropout.dropout(x, 0.5).array, x)
    np.random.seed(3)
    expected = CHAINER['dropout'](x, 0.3).array  # 0.3 is no multiple of 1/256: Chainer's own draws
    np.testing.assert_array_equal(_dropout_and_grad(x, 0.3, seed=3)[0], expected)


def test_relu_equals_chainers_bit_for_bit():
    x = np.random.RandomState(8).randn(5, 3, 4, 4).astype('f')
    x[0, 0, 0, :2] = 0  # the kink: no gradient at 0, as in Chainer
    gy = np.random.RandomState(9).randn(*x.shape).astype('f')
    for mine, reference in zip(_value_and_grad(relu.relu, x, gy), _value_and_grad(CHAINER['relu'], x, gy)):
        np.testing.assert_array_equal(mine, reference)


def test_relu_gradient_is_numerical():
    signs = np.sign(np.arange(-6, 6) + 0.5).reshape(3, 4)  # half negative, none at the kink
    x = np.random.RandomState(10).uniform(0.1, 1, (3, 4)) * signs
    gradient_check.check_backward(relu.relu, x, np.ones((3, 4)), dtype=np.float64)


# The compiled loops index memory unchecked: every shape they accept must give
# Chainer's numbers (a wrong index would show here as a wrong value or a crash).
SHAPES = settings(max_examples=150, deadline=None)


@SHAPES
@given(st.integers(1, 6), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3),
       st.integers(1, 3), st.integers(0, 4), st.integers(0, 4), st.integers(0, 2 ** 16))
def test_convolution_equals_chainers_for_any_shape(n, c, oc, kh, kw, extra_h, extra_w, seed):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, c, kh + extra_h, kw + extra_w).astype('f')
    W, b = rng.randn(oc, c, kh, kw).astype('f'), rng.randn(oc).astype('f')
    gy = rng.randn(n, oc, extra_h + 1, extra_w + 1).astype('f')
    ours = _conv_and_grads(convolution_2d.convolution_2d, x, W, b, gy)
    for mine, reference in zip(ours, _conv_and_grads(CHAINER['convolution_2d'], x, W, b, gy)):
        np.testing.assert_allclose(mine, reference, rtol=1e-4, atol=1e-4)


@SHAPES
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 4), st.integers(1, 4),
       st.integers(0, 2 ** 16))
def test_max_pooling_equals_chainers_for_any_shape(n, c, half_h, half_w, seed):
    rng = np.random.RandomState(seed)
    x = rng.randint(0, 4, size=(n, c, 2 * half_h, 2 * half_w)).astype('f')  # with ties
    gy = rng.randn(n, c, half_h, half_w).astype('f')
    ours = _value_and_grad(max_pooling_2x2, x, gy)
    for mine, reference in zip(ours, _value_and_grad(lambda v: CHAINER['max_pooling_2d'](v, 2), x, gy)):
        np.testing.assert_array_equal(mine, reference)


def _embed_and_grad(embed_id, x, W, gy):
    W = chainer.Variable(W)
    y = embed_id(x, W)
    y.grad = gy
    y.backward()
    return y.array, W.grad


def test_embed_id_gradient_equals_chainers_bit_for_bit():
    """Repeated ids (every row of gy added to one of 12 rows, in order), as seq2seq's."""
    rng = np.random.RandomState(3)
    x = rng.randint(0, 12, (128, 7)).astype(np.int32)
    W, gy = rng.randn(12, 32).astype('f'), rng.randn(128, 7, 32).astype('f')
    for mine, reference in zip(_embed_and_grad(embed_id.embed_id, x, W, gy),
                               _embed_and_grad(CHAINER['embed_id'], x, W, gy)):
        np.testing.assert_array_equal(mine, reference)


def test_embed_id_gradient_is_numerical_and_ignore_label_goes_to_chainer():
    rng = np.random.RandomState(4)
    x = rng.randint(0, 5, (4, 3)).astype(np.int32)
    gradient_check.check_backward(lambda W: embed_id.embed_id(x, W), rng.randn(5, 2),
                                  rng.randn(4, 3, 2), dtype=np.float64)
    x[0, 0] = -1
    y = embed_id.embed_id(x, chainer.Variable(rng.randn(5, 2).astype('f')), ignore_label=-1)
    assert type(y.creator).__module__ == 'chainer.functions.connection.embed_id'
    np.testing.assert_array_equal(y.array[0, 0], 0)
