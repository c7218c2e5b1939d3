"""``--kernels``: netlib's compiled CPU kernels or Chainer's own functions, chosen in one place.

Models are written with Chainer's ``F`` and ``L`` in the order of the post
they reproduce.  :func:`use` swaps the functions below for :mod:`netlib.kernels.fast`'s
versions and, with backprop off, :mod:`netlib.kernels.no_graph`'s (or puts Chainer's back);
a model's ``F.relu(...)``, every ``L.Convolution2D``, ``L.Linear`` and ``L.EmbedID``
then call the chosen one.  The fast functions compute
Chainer's numbers (``tests/test_kernels.py``: bit-identical for ReLU, pooling
and the optimizers, float32 rounding for the convolution's summation order)
and hand every case they do not cover (GPU arrays, strides, padding, other
dtypes) to Chainer's own.  Dropout draws its mask differently, so a run with
dropout differs between the two sets in its random draws, not its arithmetic.
Recurrent cells read their steps through :func:`netlib.links.recurrent.read_window`:
under ``'fast'`` on the CPU a window is one node (:mod:`netlib.kernels.recurrent`,
Chainer's numbers bit for bit), under ``'chainer'`` the cell steps.
"""

import contextlib

import chainer.functions as F
import numpy as np
from chainer.functions.connection import convolution_2d as convolution_module
from chainer.functions.connection import embed_id as embed_id_module
from chainer.functions.connection import linear as linear_module

from netlib.kernels import fast, no_graph

NAMES = ('fast', 'chainer')
FUNCTIONS = ('relu', 'max_pooling_2d', 'dropout', 'convolution_2d', 'linear', 'sigmoid',
             'softmax', 'embed_id')
CHAINER = {name: getattr(F, name) for name in FUNCTIONS}
FAST = {name: getattr(no_graph if hasattr(no_graph, name) else fast, name)
        for name in FUNCTIONS}
# Optimizers with a compiled update; the registry (netlib.optimizers) lists them.
FAST_OPTIMIZERS = {'Adam': fast.Adam, 'AdaDelta': fast.AdaDelta}

_chosen = 'chainer'


def use(name):
    """Make *name* (``'fast'`` or ``'chainer'``) the kernels every model calls."""
    global _chosen
    functions = FAST if name == 'fast' else CHAINER
    for function_name, function in functions.items():
        setattr(F, function_name, function)
    # L.Convolution2D, L.Linear and L.EmbedID call their modules' functions, not F's.
    convolution_module.convolution_2d = functions['convolution_2d']
    linear_module.linear = functions['linear']
    embed_id_module.embed_id = functions['embed_id']
    _chosen = name


def chosen():
    return _chosen


def default_for(device):
    """Fast on the CPU; Chainer's own (CuPy, cuDNN) on a GPU."""
    return 'fast' if device.xp is np else 'chainer'


@contextlib.contextmanager
def blas_threads(count):
    """OpenBLAS with *count* threads inside the block (or the decorated function).

    The course experiments' matrices (a batch of 100 by 784 by 512, the fast
    convolution's 4-image blocks) are too small for two: on the loaded 2-core
    machine, a fifth of an epoch of gan_mnist took 9.3 s user + 4.4 s system
    with 2 threads (the waiting thread spins) and 8.2 + 0.7 with 1; training
    its scoring CNN for an epoch, about 165 s of CPU and 66.
    """
    from threadpoolctl import threadpool_limits
    with threadpool_limits(count, user_api='blas'):
        yield


@contextlib.contextmanager
def using(name):
    """Use *name* inside the block, then the kernels chosen before."""
    before = chosen()
    use(name)
    try:
        yield
    finally:
        use(before)
