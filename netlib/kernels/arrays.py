"""What the fast kernels ask of their inputs, and the views their compiled loops take."""

import numpy as np


def on_cpu(*arrays):
    """Whether every one of *arrays* is a NumPy array (CuPy's go to Chainer's code)."""
    return all(isinstance(a, np.ndarray) for a in arrays)


def flat(*arrays):
    """1-D views of C-contiguous arrays (the compiled loops update them in place)."""
    return [a.reshape(-1) for a in arrays]
