"""One call that seeds every random stream an experiment touches."""

import random

import numpy as np

from netlib.device import gpu_count


def set_seed(seed):
    """Seed Python, NumPy and (when installed) CuPy.

    Chainer's initializers draw from ``numpy.random``'s global stream, so the
    same seed gives the same initial weights and, on CPU, the same numbers.
    """
    random.seed(seed)
    np.random.seed(seed)
    if gpu_count():  # CuPy can be installed on a machine without a driver or a GPU
        import cupy
        cupy.random.seed(seed)
