"""Convolutional networks: Keras's MNIST CNN and palloc's 1-D CNN over the bits of 8 bytes.

Both return raw scores (logits); wrap them in :class:`netlib.links.mlp.Classifier`
for softmax cross-entropy and accuracy, as Keras's ``categorical_crossentropy``
after a ``softmax`` layer computes the same loss.
"""

import chainer
import chainer.functions as F
import chainer.links as L
from chainer import initializers

from netlib import steps
from netlib.errors import UsageError


class KerasMnistCNN(chainer.Chain):
    """The network of Keras's ``examples/mnist_cnn.py``, layer for layer.

    Conv 32 3x3 ReLU -> Conv 64 3x3 ReLU -> max-pool 2x2 -> dropout 0.25 ->
    flatten -> Linear 128 ReLU -> dropout 0.5 -> Linear 10, for (N, 1, 28, 28)
    images.  Keras starts every kernel from Glorot-uniform and every bias from
    zero; Chainer's own default (LeCun normal) would start from a different
    scale, so the initialiser is set here to reproduce Keras's curves.
    ``--kernels fast`` (:mod:`netlib.kernels`) runs these same calls on
    netlib's compiled CPU kernels.
    """

    def __init__(self, n_classes=10):
        super().__init__()
        with self.init_scope():
            self.conv1 = L.Convolution2D(1, 32, 3, initialW=initializers.GlorotUniform())
            self.conv2 = L.Convolution2D(32, 64, 3, initialW=initializers.GlorotUniform())
            # 28 -> 26 -> 24 after the two 3x3 convolutions, 12 after pooling.
            self.fc1 = L.Linear(64 * 12 * 12, 128, initialW=initializers.GlorotUniform())
            self.fc2 = L.Linear(128, n_classes, initialW=initializers.GlorotUniform())

    def forward(self, x):
        return self.fc2(F.dropout(self.penultimate(x), 0.5))

    def penultimate(self, x):
        """The 128 features the last layer reads (before its dropout)."""
        h = F.relu(self.conv1(x))
        h = F.relu(self.conv2(h))
        h = F.max_pooling_2d(h, 2)
        h = F.dropout(h, 0.25)  # dropout is off under chainer.config.train = False
        return F.relu(self.fc1(h))  # Linear flattens (N, 64, 12, 12) itself


class ByteCNN(chainer.Chain):
    """palloc's 1-D CNN: is a window of bits from a JPEG or from an .exe file?

    Conv1D -> max-pool -> Linear (sigmoid) -> Linear 2, for (N, 1, bits)
    inputs of 0s and 1s.  The post's library has one 4-bit kernel sliding bit
    by bit, pooling size 2 and sigmoid activations everywhere
    (``channels=1, kernel=4, stride=1, pool=2, conv_activation='sigmoid'``);
    its kernels straddle byte boundaries and learn the bit patterns of the
    training files.  The defaults read one byte per step (kernel 8, stride 8)
    with 64 ReLU kernels and max-pool over all bytes ("does any byte look like
    this?").  *pool* None pools over the whole window.
    """

    def __init__(self, bits=64, channels=64, kernel=8, stride=8, pool=None, hidden=64,
                 conv_activation='relu', n_classes=2):
        super().__init__()
        self.activation = steps.activation_function(conv_activation)
        positions, self.pool = byte_cnn_outputs(bits, kernel, stride, pool)
        pooled = positions // self.pool  # max-pooling without cover_all drops the rest
        with self.init_scope():
            self.conv = L.Convolution1D(1, channels, kernel, stride=stride)
            self.fc = L.Linear(channels * pooled, hidden)
            self.out = L.Linear(hidden, n_classes)

    def forward(self, x):
        h = self.activation(self.conv(x))
        h = F.max_pooling_1d(h, self.pool, cover_all=False)
        h = F.sigmoid(self.fc(h))
        return self.out(h)


def byte_cnn_outputs(bits, kernel, stride, pool=None):
    """``(positions, pool)``: ByteCNN's convolution outputs per kernel over *bits* and its
    pooling size (*pool* None: all of them); a UsageError where either does not fit."""
    positions = (bits - kernel) // stride + 1
    if positions < 1:
        raise UsageError(f'--kernel {kernel} (bits) does not fit in a {bits}-bit window')
    if (pool or positions) > positions:
        raise UsageError(f'--pool {pool} is wider than the {positions} convolution outputs of '
                         'a window')
    return positions, pool or positions


class LeNet(chainer.ChainList):
    """A LeNet-5-sized CNN for flat 28x28 images: Conv 5x5 -> max-pool 2 -> Conv 5x5 ->
    max-pool 2 -> Linear *unit* ReLU -> Linear *n_classes*.

    A ChainList, as :class:`netlib.links.mlp.MLP`: ``net[:-1]`` is every layer
    below the classifier, which transfer learning copies or freezes.  About a
    third of a million multiply-adds an image forward with the default
    channels, as many as an MLP 784-256-256 (where the Keras CNN needs 11 million).
    """

    def __init__(self, n_classes=10, unit=64, channels=(8, 16)):
        super().__init__(L.Convolution2D(1, channels[0], 5),
                         L.Convolution2D(channels[0], channels[1], 5),
                         L.Linear(channels[1] * 4 * 4, unit),
                         L.Linear(unit, n_classes))

    def forward(self, x):
        conv1, conv2, fc, out = self
        h = F.max_pooling_2d(F.relu(conv1(F.reshape(x, (-1, 1, 28, 28)))), 2)
        h = F.max_pooling_2d(F.relu(conv2(h)), 2)
        return out(F.relu(fc(h)))
