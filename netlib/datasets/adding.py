"""The adding problem (Hochreiter & Schmidhuber 1997; Le, Jaitly & Hinton 2015).

Each sequence has T steps of two numbers: a value drawn from U(0, 1) and a
marker, 1 at exactly two steps (one in the first half, one in the second) and
0 elsewhere.  The target is the sum of the two marked values.  A net must
carry the first marked value across up to T steps to get it right; predicting
the mean sum, 1, gives the variance of a sum of two U(0, 1), 2/12 = 0.167.
"""

import numpy as np

from netlib.errors import UsageError

BASELINE_MSE = 2 / 12  # the error of always answering 1


def adding_problem(n, length, random=np.random):
    """``(x, t)``: *n* sequences, x ``(n, length, 2)`` float32, t ``(n, 1)`` float32."""
    if length < 2:
        raise UsageError(f'an adding-problem sequence needs at least 2 steps, got {length}')
    values = random.uniform(0, 1, (n, length)).astype(np.float32)
    rows = np.arange(n)
    first = random.randint(0, length // 2, n)
    second = random.randint(length // 2, length, n)
    markers = np.zeros((n, length), np.float32)
    markers[rows, first] = markers[rows, second] = 1
    x = np.stack([values, markers], axis=2)
    t = (values[rows, first] + values[rows, second])[:, None]
    return x, t
