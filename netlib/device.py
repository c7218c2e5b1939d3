"""``--device`` as in Chainer's examples: ``-1``/``@numpy`` for CPU, ``0``/``@cupy:0`` for GPU."""

import chainer
import numpy as np

from netlib.errors import UsageError

GPU_INSTALL_HINT = "pip install -e '.[gpu]' (installs cupy-cuda12x<14)"


def get_device(spec):
    """Return the ``chainer.backend.Device`` for *spec*, made current.

    Chainer raises a RuntimeError with a long text for a GPU it cannot use;
    here that becomes one line that says how to fix it.
    """
    spec = str(spec)
    try:
        device = chainer.get_device(spec)
        device.use()
    except (RuntimeError, ValueError) as error:
        if 'cupy' in str(error).lower() or 'cuda' in str(error).lower():
            raise UsageError(
                f'--device {spec} needs CuPy and a CUDA GPU: {GPU_INSTALL_HINT}, '
                'or use --device -1 for the CPU') from None
        raise UsageError(
            f'unknown --device {spec!r}: use -1 or @numpy for the CPU, '
            '0 or @cupy:0 for the first GPU') from None
    return device


def to_numpy(value):
    """A NumPy copy of an array or Variable on any device (for plots and files)."""
    if isinstance(value, chainer.Variable):
        value = value.array
    return np.asarray(chainer.backend.CpuDevice().send(value))
