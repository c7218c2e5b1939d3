"""The five named steps of a training iteration, as the case-k post numbers them.

STEP 1 ``linear``, STEP 2 ``nonlinear``, STEP 3 ``predict``, STEP 4 ``loss``,
STEP 5 ``update``.  Each is one Chainer call; naming them lets an experiment
read like the post and print the value after every step.
"""

import chainer.functions as F
import numpy as np

from netlib.errors import UsageError

# Looked up in chainer.functions at each call, so --kernels (netlib.kernels) applies.
ACTIVATIONS = ('relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'softplus', 'identity')


def activation_function(name):
    if name not in ACTIVATIONS:
        raise UsageError(f'unknown activation {name!r}; choose one of: '
                         f'{", ".join(ACTIVATIONS)}')
    return getattr(F, name)


def linear(layer, x):
    """STEP 1: u = W x + b."""
    return layer(x)


def nonlinear(u, activation='relu'):
    """STEP 2: z = h(u) for the activation h."""
    return activation_function(activation)(u)


def predict(layer, z):
    """STEP 3: y = W z + b, the output layer (no activation)."""
    return layer(z)


def loss(y, t, lossfun=F.mean_squared_error):
    """STEP 4: the error between prediction and target."""
    return lossfun(y, t)


def update(optimizer, loss_value):
    """STEP 5: back-propagate *loss_value* and move the parameters one step."""
    optimizer.target.cleargrads()
    loss_value.backward()
    optimizer.update()


def show(value, name=None):
    """Print-ready text of a Variable as the post printed it.

    The post ran an older NumPy whose float32 values printed as float64 with
    eight decimals (``[[ 1.70384192  0.        ]]``); the 1.13 legacy print
    mode of the float64 copy gives exactly that text.
    """
    array = np.asarray(getattr(value, 'array', value), dtype=np.float64)
    with np.printoptions(legacy='1.13', precision=8):
        text = np.array2string(array, prefix=f'variable {name}(' if name else 'variable(')
    return f'variable {name}({text})' if name else f'variable({text})'
