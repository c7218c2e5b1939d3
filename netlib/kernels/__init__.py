"""``--kernels``: netlib's compiled CPU kernels or Chainer's own functions, chosen here.

Models are written with Chainer's ``F`` and ``L`` in the order of the post they
reproduce.  This module lists every kernel netlib has (:data:`FAST`: a module
named for each Chainer function it replaces, and :mod:`netlib.kernels.no_graph`'s
forward passes for backprop off; Chainer's own in :data:`CHAINER`) and swaps
them in: :func:`using` for a block, after which every swapped object is the one
there before; :func:`use` inside a block that :func:`using` opened (as a run
does).  A model's ``F.relu(...)``, every
``L.Convolution2D``, ``L.Linear`` and ``L.EmbedID`` then call the chosen one.

The fast kernels compute Chainer's numbers (``tests/test_kernels.py``:
bit-identical for ReLU, pooling and the optimizers, float32 rounding for the
summation order of the convolution's and the recurrent window's products) and hand
every case they do not cover (GPU arrays, strides, padding, other dtypes) to
Chainer's own; the recurrent window alone runs on a GPU too.  Dropout draws its mask differently, so a run with dropout differs between
the two sets in its random draws, not its arithmetic.  Two choices are not a
function of ``F``, so they ask :func:`chosen` here: :func:`read_window` (a
recurrent cell over a window) and :func:`optimizer_class` (the class a Chainer
optimizer's name gives).  Nothing here assigns into ``chainer.optimizers``.
"""

import contextlib

import chainer.functions as F
from chainer.functions.connection import convolution_2d as convolution_module
from chainer.functions.connection import embed_id as embed_id_module
from chainer.functions.connection import linear as linear_module

from netlib.kernels import (convolution_2d, dropout, embed_id, max_pooling_2d, no_graph,
                            optimizers, recurrent, relu)

# Chainer's function -> the kernel that replaces it under 'fast'.
FAST = {
    'convolution_2d': convolution_2d.convolution_2d,  # im2col by blocks of 4 images
    'max_pooling_2d': max_pooling_2d.max_pooling_2d,  # 2x2 windows in one pass
    'relu': no_graph.relu,                             # else relu.relu: compiled backward
    'dropout': dropout.dropout,                        # one random byte per element
    'embed_id': embed_id.embed_id,                     # compiled scatter-add backward
    'linear': no_graph.linear,                         # no graph with backprop off
    'sigmoid': no_graph.sigmoid,
    'softmax': no_graph.softmax,
}
CHAINER = {name: getattr(F, name) for name in FAST}
SETS = {'fast': FAST, 'chainer': CHAINER}
NAMES = tuple(SETS)

# L.Convolution2D, L.Linear and L.EmbedID call their modules' functions, not F's.
LINK_MODULES = {'convolution_2d': convolution_module, 'linear': linear_module,
                'embed_id': embed_id_module}
# Every (module, name) the switch assigns to.
PLACES = ([(F, name) for name in FAST]
          + [(module, name) for name, module in LINK_MODULES.items()])

# chainer.optimizers' class name -> its subclass with a compiled update (same results).
FAST_OPTIMIZERS = {'Adam': optimizers.Adam, 'AdaDelta': optimizers.AdaDelta}

_chosen = 'chainer'


def use(name):
    """Make *name* (``'fast'`` or ``'chainer'``) the kernels every model calls.

    Call it inside :func:`using`'s block, which puts back what was there before.
    """
    global _chosen
    functions = SETS[name]
    for module, function_name in PLACES:
        setattr(module, function_name, functions[function_name])
    _chosen = name


@contextlib.contextmanager
def using(name):
    """The kernels *name* inside the block; after it, every swapped object the one before."""
    global _chosen
    before = [(module, function_name, getattr(module, function_name))
              for module, function_name in PLACES]
    chosen_before = _chosen
    use(name)
    try:
        yield
    finally:
        for module, function_name, function in before:
            setattr(module, function_name, function)
        _chosen = chosen_before


def chosen():
    return _chosen


# The choice when --kernels is not given, on any device: on a GPU the fast set is the
# recurrent window node (CuPy and Chainer's CUDA kernels) and Chainer's own for everything
# else, since each NumPy/Numba kernel hands CuPy arrays to Chainer's.
DEFAULT = 'fast'


def optimizer_class(class_name, chainer_class):
    """The class ``chainer.optimizers.<class_name>`` gives under the chosen kernels."""
    if _chosen == 'fast':
        return FAST_OPTIMIZERS.get(class_name, chainer_class)
    return chainer_class


def read_window(cell, xs):
    """A recurrent *cell* (``L.LSTM`` or the tanh RNN) over a window *xs* (steps, batch,
    in): its hidden states (steps, batch, units), the cell's state after the last step.

    Under ``'fast'``, where :func:`netlib.kernels.recurrent.covers` the case, the
    window is one node (Chainer's numbers to float32 rounding); otherwise the cell steps,
    a handful of Chainer's nodes a step.
    """
    if _chosen == 'fast':
        hs = recurrent.read_window(cell, xs)
        if hs is not None:
            return hs
    return F.stack([cell(x) for x in F.separate(xs, axis=0)])


def read_embedded_window(cell, embed, ids):
    """*cell* over ``embed(ids)``, ids (steps, batch): what ``read_window(cell, embed(ids))``
    returns.  Under ``'fast'`` on the CPU the embedding is inside the window's node, which
    takes the upward products once per vocabulary entry
    (:class:`netlib.kernels.recurrent.EmbeddedIds`)."""
    if _chosen == 'fast':
        hs = recurrent.read_embedded_window(cell, embed, ids)
        if hs is not None:
            return hs
    return read_window(cell, embed(ids))


# The course experiments' matrices (a batch of 100 by 784 by 512, the fast convolution's
# 4-image blocks) are too small for two threads: on the loaded 2-core machine, a fifth
# of an epoch of gan_mnist took 9.3 s user + 4.4 s system with 2 threads (the waiting
# thread spins) and 8.2 + 0.7 with 1; training its scoring CNN for an epoch, about
# 165 s of CPU and 66.
@contextlib.contextmanager
def blas_threads(count):
    """OpenBLAS with *count* threads inside the block (or the decorated function)."""
    from threadpoolctl import threadpool_limits
    with threadpool_limits(count, user_api='blas'):
        yield
