"""The two CNNs: shapes, Keras's initialisation, and gradients checked numerically.

palloc's post derives the backward pass of convolution, max pooling and the
fully connected layer by hand.  Here Chainer's backward of every such layer of
both networks (with the networks' own weights) is compared with central
differences by ``chainer.gradient_check.check_backward``, in float64 so the
numerical side is exact enough; then the post's own formulas are checked
against Chainer for the smallest cases.
"""

import chainer
import chainer.functions as F
import numpy as np
import pytest
from chainer import gradient_check

from netlib.kernels import max_pooling_2d
from netlib.links.convnets import ByteCNN, KerasMnistCNN
from netlib.errors import UsageError

# The post's network: one 4-bit kernel, pooling 2, sigmoids everywhere.
POST_BYTE_CNN = dict(channels=1, kernel=4, stride=1, pool=2, conv_activation='sigmoid')


def float64(make_network):
    """A network whose parameters are float64, seeded for repeatable checks."""
    np.random.seed(0)
    with chainer.using_config('dtype', np.float64):
        return make_network()


def random(*shape):
    return np.random.RandomState(1).uniform(-1, 1, shape)


def distinct(*shape):
    """Values 0.01 apart in random order: max pooling has no near-ties to flip."""
    size = int(np.prod(shape))
    return np.random.RandomState(2).permutation(size).reshape(shape) * 0.01


def check(function, x, params=()):
    """Chainer's gradients of *function* at *x* equal central differences."""
    y = function(x)
    y_grad = random(*y.shape)
    gradient_check.check_backward(function, x, y_grad, params=params, eps=1e-6,
                                  atol=1e-7, rtol=1e-5, dtype=np.float64)


# -- shapes ------------------------------------------------------------------

def test_keras_cnn_maps_images_to_ten_scores():
    model = KerasMnistCNN()
    with chainer.using_config('train', False):
        assert model(np.zeros((3, 1, 28, 28), np.float32)).shape == (3, 10)


@pytest.mark.parametrize('options', [{}, POST_BYTE_CNN, dict(pool=3)])
def test_byte_cnn_maps_64_bits_to_two_scores(options):
    model = ByteCNN(**options)
    assert model(np.zeros((5, 1, 64), np.float32)).shape == (5, 2)


def test_byte_cnn_refuses_a_kernel_or_pool_that_does_not_fit():
    with pytest.raises(UsageError):
        ByteCNN(bits=64, kernel=65)
    with pytest.raises(UsageError):
        ByteCNN(bits=64, kernel=8, stride=8, pool=9)


# -- initialisation ----------------------------------------------------------

def test_keras_cnn_starts_glorot_uniform_with_zero_biases():
    np.random.seed(0)
    model = KerasMnistCNN()
    for link in (model.conv1, model.conv2, model.fc1, model.fc2):
        weights = link.W.array
        receptive_field = int(np.prod(weights.shape[2:]))
        fan_in, fan_out = (weights.shape[1] * receptive_field,
                           weights.shape[0] * receptive_field)
        limit = np.sqrt(6 / (fan_in + fan_out))
        assert np.abs(weights).max() <= limit
        # uniform on [-limit, limit]: the extremes are nearly reached, the mean is 0
        assert np.abs(weights).max() > 0.95 * limit
        assert abs(weights.mean()) < 0.05 * limit
        assert not link.b.array.any()


# -- gradient checks, layer by layer -----------------------------------------

def test_keras_cnn_convolution_gradients():
    model = float64(KerasMnistCNN)
    check(model.conv1, random(2, 1, 5, 5), params=(model.conv1.W, model.conv1.b))
    check(model.conv2, random(2, 32, 4, 4), params=(model.conv2.W, model.conv2.b))


def test_max_pooling_2d_gradient():
    check(lambda x: max_pooling_2d.max_pooling_2d(x, 2), distinct(2, 3, 4, 4))  # KerasMnistCNN's


def test_keras_cnn_linear_gradients():
    model = float64(KerasMnistCNN)
    check(model.fc1, random(2, 64, 12, 12), params=(model.fc1.W, model.fc1.b))
    check(model.fc2, random(2, 128), params=(model.fc2.W, model.fc2.b))


@pytest.mark.parametrize('options', [{}, POST_BYTE_CNN])
def test_byte_cnn_convolution_1d_gradient(options):
    model = float64(lambda: ByteCNN(**options))
    check(model.conv, random(3, 1, 64), params=(model.conv.W, model.conv.b))


def test_max_pooling_1d_gradient():
    check(lambda x: F.max_pooling_1d(x, 2), distinct(2, 3, 8))


def test_byte_cnn_linear_gradients():
    model = float64(ByteCNN)
    check(lambda h: F.sigmoid(model.fc(h)), random(3, 64, 1),
          params=(model.fc.W, model.fc.b))
    check(model.out, random(3, 64), params=(model.out.W, model.out.b))


# -- gradient checks, whole networks ------------------------------------------

def test_keras_cnn_whole_network_gradient():
    model = float64(KerasMnistCNN)
    with chainer.using_config('train', False):  # dropout is random; switch it off
        check(model, random(2, 1, 28, 28), params=tuple(model.params()))


@pytest.mark.parametrize('options', [{}, POST_BYTE_CNN])
def test_byte_cnn_whole_network_gradient(options):
    model = float64(lambda: ByteCNN(**options))
    # Not 0/1 bits: equal bytes would tie in max pooling, where the gradient
    # is not defined (central differences average the tied inputs).
    check(model, random(4, 1, 64), params=tuple(model.params()))


# -- the post's hand-derived formulas ------------------------------------------

def test_cross_entropy_gradient_is_output_minus_target():
    """The post: the gradient at the softmax output is Delta = X - Y."""
    scores = chainer.Variable(random(1, 3))
    target = np.array([2], np.int32)
    F.softmax_cross_entropy(scores, target).backward()
    expected = F.softmax(scores).array - np.eye(3)[target]
    np.testing.assert_allclose(scores.grad, expected, rtol=1e-12)


def test_max_pooling_passes_the_gradient_to_the_maximum_only():
    """The post: nodes pooling did not pick get 0, the picked ones the gradient."""
    x = chainer.Variable(np.array([[[0.1, 0.7, 0.4, 0.2]]]))
    y = F.max_pooling_1d(x, 2)
    y.grad = np.array([[[5.0, 3.0]]])
    y.backward()
    np.testing.assert_array_equal(x.grad, [[[0.0, 5.0, 3.0, 0.0]]])


def test_convolution_weight_gradient_is_the_posts_sum():
    """The post: dW_i = sum_j Delta_j * X_(i+j), for a kernel sliding over X."""
    x = random(1, 1, 6)
    weights = chainer.Variable(random(1, 1, 3))
    y = F.convolution_1d(x, weights)
    delta = np.random.RandomState(4).uniform(-1, 1, y.shape)
    y.grad = delta
    y.backward()
    by_hand = [sum(delta[0, 0, j] * x[0, 0, i + j] for j in range(4)) for i in range(3)]
    np.testing.assert_allclose(weights.grad[0, 0], by_hand, rtol=1e-12)
