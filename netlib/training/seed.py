"""One call that seeds every random stream an experiment touches."""

import random

import numpy as np


def set_seed(seed):
    """Seed Python, NumPy and (when installed) CuPy.

    Chainer's initializers draw from ``numpy.random``'s global stream, so the
    same seed gives the same initial weights and, on CPU, the same numbers.
    """
    random.seed(seed)
    np.random.seed(seed)
    try:
        import cupy
        if cupy.cuda.is_available():  # CuPy installed on a machine without a GPU
            cupy.random.seed(seed)
    except ImportError:
        pass
