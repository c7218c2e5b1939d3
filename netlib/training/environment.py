"""What a run ran on, recorded in its ``args``: interpreter, libraries, BLAS, kernels."""

import importlib.metadata
import platform

import chainer
import numpy as np

from netlib import kernels


def describe():
    """Versions of everything that can change a run's numbers or speed."""
    found = {
        'python': platform.python_version(),
        'numpy': np.__version__,
        'chainer': chainer.__version__,
        'blas': _blas(),
        'kernels': kernels.chosen(),
    }
    for name, version in _optional_versions().items():
        found[name] = version
    return found


def _blas():
    try:
        blas = np.show_config(mode='dicts')['Build Dependencies']['blas']
    except (TypeError, KeyError):  # NumPy before 1.25 prints only
        return 'unknown'
    return f"{blas.get('name')} {blas.get('version')}"


def _optional_versions():
    versions = {}
    try:  # the installed version, without importing Numba (0.19 s)
        versions['numba'] = importlib.metadata.version('numba')
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        import cupy
        versions['cupy'] = cupy.__version__
        if chainer.backends.cuda.cudnn_enabled:  # no driver needed, nor a GPU
            versions['cudnn'] = cupy.cuda.cudnn.getVersion()
    except ImportError:
        pass
    return versions
