"""``--device`` as in Chainer's examples: ``-1``/``@numpy`` for CPU, ``0``/``@cupy:0`` for GPU."""

import ctypes

import chainer
import numpy as np

from netlib.errors import UsageError

GPU_INSTALL_HINT = "pip install 'netlib[gpu]'"
CPU_HINT = 'or --device -1 for the CPU'
# CUDA's runtime errors that name what is missing on this machine.
NO_DRIVER, NO_GPU, NO_SUCH_GPU = 35, 100, 101  # cudaErrorInsufficientDriver, NoDevice, ...


def get_device(spec):
    """Return the ``chainer.backend.Device`` for *spec*, made current.

    Chainer raises a RuntimeError with a long text for a GPU it cannot use;
    here that becomes one line that names what is missing.
    """
    spec = str(spec)
    try:
        device = chainer.get_device(spec)
    except (RuntimeError, ValueError) as error:
        if 'cuda' in str(error).lower():
            raise UsageError(f'--device {spec}: {cuda_missing()}, {CPU_HINT}') from None
        raise UsageError(
            f'unknown --device {spec!r}: use -1 or @numpy for the CPU, '
            '0 or @cupy:0 for the first GPU') from None
    try:
        device.use()
    except RuntimeError as error:  # CuPy's CUDARuntimeError
        raise UsageError(f'--device {spec}: {gpu_missing(error, spec)}, {CPU_HINT}') from None
    return device


def cuda_missing():
    """Why Chainer found no usable CuPy: not installed, or a CUDA library not found."""
    error = chainer.backends.cuda._resolution_error
    if isinstance(error, ModuleNotFoundError) and error.name == 'cupy':
        return f'no CuPy installed ({GPU_INSTALL_HINT} brings it with CUDA)'
    return (f'CuPy finds no CUDA library ({_first_line(error)}): {GPU_INSTALL_HINT} '
            "brings NVIDIA's")


def gpu_missing(error, spec):
    """What CUDA's *error* at making GPU *spec* current says is missing."""
    status = getattr(error, 'status', None)
    if status == NO_DRIVER and not _has_driver():
        return 'no NVIDIA driver on this machine (libcuda.so.1 not found)'
    if status == NO_DRIVER:
        return "the NVIDIA driver is older than this CuPy's CUDA needs"
    if status == NO_GPU:
        return 'the NVIDIA driver sees no GPU'
    if status == NO_SUCH_GPU:
        return f'no GPU {spec.split(":")[-1]}: this machine has {gpu_count()}'
    return _first_line(error)


def gpu_count():
    """How many GPUs CUDA sees here (0 without CuPy, a driver or a GPU)."""
    try:
        return chainer.backends.cuda.cupy.cuda.runtime.getDeviceCount()
    except Exception:  # no CuPy, no driver: none to use either way
        return 0


def gpu_report():
    """``netlib doctor``'s lines on CuPy: found or why not, its CUDA, the driver, cuDNN."""
    cuda = chainer.backends.cuda
    if not cuda.available:
        return [f'{"cupy":11} {cuda_missing()}: CPU only']
    runtime = cuda.cupy.cuda.runtime
    found = f'{"cupy":11} {cuda.cupy.__version__}, CUDA {_cuda_version(runtime.runtimeGetVersion())}'
    if not _has_driver():
        return [f'{found}; no NVIDIA driver (libcuda.so.1 not found): CPU only', _cudnn(cuda)]
    driver = f'driver for CUDA {_cuda_version(runtime.driverGetVersion())}'
    names = [runtime.getDeviceProperties(i)['name'].decode() for i in range(gpu_count())]
    return [f'{found}; {driver}; {len(names)} GPU: {", ".join(names) or "none"}', _cudnn(cuda)]


def _cudnn(cuda):
    if cuda.cudnn_enabled:
        return f'{"cudnn":11} on: cuDNN {cuda.cuda.cudnn.getVersion()}'
    if cuda._cudnn_disabled_by_user:
        return f'{"cudnn":11} off (CHAINER_CUDNN=0): Chainer\'s own GPU code runs'
    return (f'{"cudnn":11} off ({_first_line(cuda._resolution_error)}): Chainer\'s own GPU '
            'code runs')


def _cuda_version(number):
    return f'{number // 1000}.{number % 1000 // 10}'


def _has_driver():
    try:
        ctypes.CDLL('libcuda.so.1')
    except OSError:
        return False
    return True


def _first_line(error):
    return str(error).strip().splitlines()[0]


def to_numpy(value):
    """A NumPy copy of an array or Variable on any device (for plots and files)."""
    if isinstance(value, chainer.Variable):
        value = value.array
    return np.asarray(chainer.backend.CpuDevice().send(value))
