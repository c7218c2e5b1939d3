"""The patches :mod:`netlib_chainer_compat` runs around chainer's imports, each where needed.

``before_import`` and ``after_import`` surround ``import chainer``; the other
two surround the import of the one chainer module each fixes.  Each appends its
name to ``netlib_chainer_compat.APPLIED`` when its condition holds.
"""

import ctypes
import importlib.metadata
import os
import sys
import types
import warnings

import numpy

from netlib_chainer_compat import APPLIED

# NumPy 1.26's table, lent to numpy while chainer imports as_strided.py.
_SCTYPES = {
    'int': [numpy.int8, numpy.int16, numpy.int32, numpy.int64],
    'uint': [numpy.uint8, numpy.uint16, numpy.uint32, numpy.uint64],
    'float': [numpy.float16, numpy.float32, numpy.float64, numpy.longdouble],
    'complex': [numpy.complex64, numpy.complex128, numpy.clongdouble],
    'others': [bool, object, bytes, str, numpy.void],
}


class _OldNumpy(types.ModuleType):
    """numpy plus the names given to it."""

    def __getattr__(self, name):
        return getattr(numpy, name)


def _with_old_numpy(function, alias='numpy', **removed):
    """``function`` again, with its global ``alias`` (numpy) given back the ``removed`` names."""
    old = _OldNumpy('numpy')
    old.__dict__.update(removed)
    copy = types.FunctionType(function.__code__, {**function.__globals__, alias: old},
                              function.__name__, function.__defaults__, function.__closure__)
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__qualname__ = function.__qualname__
    return copy


def before_import():
    """The import-time patches; returns what undoes the lending of ``np.sctypes``."""
    # chainer/_environment_check.py imports numpy.distutils (gone in NumPy 2 and on
    # Python 3.12; on 3.11 it needs setuptools < 74) and pkg_resources (gone in
    # setuptools 82) to warn about macOS's Accelerate and about CuPy or iDeep versions
    # other than Chainer's.  `netlib doctor` prints the CuPy version instead, and the
    # imports alone cost 0.25 s of start-up: `import chainer` gets a check that does
    # nothing.
    check = types.ModuleType('chainer._environment_check')
    check.check = lambda: None
    sys.modules[check.__name__] = check
    APPLIED.append('environment_check')
    _load_cuda_12_libraries_from_wheels()
    # chainer/functions/array/as_strided.py reads np.sctypes at import and in
    # backward (AsStridedGrad.forward); NumPy 2 removed it.
    if hasattr(numpy, 'sctypes'):
        return lambda: None
    numpy.sctypes = _SCTYPES
    APPLIED.append('as_strided')
    return lambda: delattr(numpy, 'sctypes')


def after_import():
    """The patches of chainer functions that read what NumPy removed or changed."""
    import chainer.distributions.categorical
    import chainer.functions.array.as_strided as as_strided
    import chainer.functions.array.pad_sequence
    import chainer.functions.array.resize_images
    import chainer.functions.math.sparse_matmul as sparse_matmul

    if 'as_strided' in APPLIED:
        as_strided.AsStridedGrad.forward = _with_old_numpy(as_strided.AsStridedGrad.forward,
                                                           'np', sctypes=_SCTYPES)
    # resize_images.py uses numpy.float, an alias of float that NumPy 1.24 removed.
    if not hasattr(numpy, 'float'):
        resize = chainer.functions.array.resize_images
        resize.compute_indices_and_weights = _with_old_numpy(
            resize.compute_indices_and_weights, float=float)
        APPLIED.append('resize_images')
    # categorical.py's log_prob adds a list to what numpy.meshgrid returns: a list in
    # NumPy 1, a tuple in NumPy 2.
    if isinstance(numpy.meshgrid([0]), tuple):
        categorical = chainer.distributions.categorical.Categorical
        categorical.log_prob = _with_old_numpy(
            categorical.log_prob, meshgrid=lambda *xi, **kw: list(numpy.meshgrid(*xi, **kw)))
        APPLIED.append('categorical_log_prob')
    if not _stores_negative_in_unsigned():
        _cast_padding_first(chainer.functions.array.pad_sequence.PadSequence)
        APPLIED.append('pad_sequence')
    if sparse_matmul._scipy_available and not _sparse_takes_float16(sparse_matmul.sparse):
        sparse_matmul._coo_matmul_cpu = _float16_in_float32(sparse_matmul._coo_matmul_cpu)
        APPLIED.append('sparse_matmul_float16')


# CuPy 13's CUDA 12 build opens these by name, which the system's loader looks for in
# its own folders only; NVIDIA's wheels (netlib[gpu] on NumPy 1) put them in
# site-packages/nvidia/*/lib.  Loaded first, in the order they need each other, they are
# found by name.  CuPy 14 finds its wheels itself (cuda-pathfinder).
CUDA_12_LIBRARIES = ('cuda_runtime/lib/libcudart.so.12', 'nvjitlink/lib/libnvJitLink.so.12',
                     'cublas/lib/libcublasLt.so.12', 'cublas/lib/libcublas.so.12',
                     'cusparse/lib/libcusparse.so.12', 'cusolver/lib/libcusolver.so.11',
                     'cufft/lib/libcufft.so.11', 'curand/lib/libcurand.so.10',
                     'cuda_nvrtc/lib/libnvrtc.so.12')


def _load_cuda_12_libraries_from_wheels():
    if not _installed_version('cupy-cuda12x').startswith('13.') or _system_has('libcublas.so.12'):
        return
    folder = next((os.path.join(entry, 'nvidia') for entry in sys.path
                   if os.path.isdir(os.path.join(entry, 'nvidia', 'cublas', 'lib'))), None)
    if folder is None:
        return
    for library in CUDA_12_LIBRARIES:
        path = os.path.join(folder, library)
        if os.path.exists(path):
            ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
    APPLIED.append('cuda_libraries')


def _installed_version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return ''


def _system_has(library):
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def quiet_about_absent_cudnn(load, cuda):
    """Without cuDNN (CuPy 14 has no cuDNN module; CuPy 13 finds no libcudnn.so.8 in
    NVIDIA's wheels) Chainer's ``use_cudnn='auto'`` runs its own GPU code, as it should,
    but CuPy warns that the library is missing and Chainer, on the first kernel it builds
    (at import), to reinstall CuPy.  `netlib doctor` says that cuDNN is off, and why."""
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', r'\s*cudnn library could not be loaded', UserWarning)
        load()
    if cuda.available and not cuda.cudnn_enabled and not cuda._cudnn_disabled_by_user:
        cuda.check_cuda_available._already_warned = True
        APPLIED.append('cudnn_absent')


def _stores_negative_in_unsigned():
    try:
        with warnings.catch_warnings():  # NumPy 1.24 to 1.26 warn, then wrap
            warnings.simplefilter('ignore', DeprecationWarning)
            numpy.zeros(1, numpy.uint8)[0] = -1
    except OverflowError:
        return False
    return True


def _cast_padding_first(pad_sequence):
    """pad_sequence.py stores the padding into an array of the inputs' dtype: NumPy 1
    wrapped -1 to 255 in uint8, NumPy 2 raises OverflowError.  Cast first, as NumPy 1 did."""
    forward = pad_sequence.forward

    def forward_cast_padding(self, xs):
        self.padding = numpy.array(self.padding).astype(xs[0].dtype)[()]
        return forward(self, xs)

    pad_sequence.forward = forward_cast_padding


def _sparse_takes_float16(sparse):
    try:
        sparse.coo_matrix(numpy.ones((1, 1), numpy.float16))
    except ValueError:
        return False
    return True


def _float16_in_float32(coo_matmul_cpu):
    """sparse_matmul.py hands float16 values to scipy.sparse, which SciPy 1.15 refuses.
    Multiply them in float32 and return the dtype asked for, as its GPU path does."""

    def coo_matmul_in_float32(A_data, A_row, A_col, A_shape, B, dtype):
        if A_data.dtype == numpy.float16:
            A_data = A_data.astype(numpy.float32)
        return coo_matmul_cpu(A_data, A_row, A_col, A_shape, B, dtype)

    return coo_matmul_in_float32


def without_pkg_resources(load):
    """chainer.testing's helpers ask pkg_resources whether a requirement is installed;
    setuptools 81 warns at its import and 82 removed it.  They get the same answers from
    importlib.metadata while they import (pkg_resources itself is left alone)."""
    if not _pkg_resources_deprecated() or 'pkg_resources' in sys.modules:
        return load()
    sys.modules['pkg_resources'] = _requirements_module()
    try:
        load()
    finally:
        del sys.modules['pkg_resources']
    if 'testing_pkg_resources' not in APPLIED:
        APPLIED.append('testing_pkg_resources')


def _pkg_resources_deprecated():
    try:
        major = int(importlib.metadata.version('setuptools').split('.')[0])
    except importlib.metadata.PackageNotFoundError:
        return True
    return major >= 81


class ResolutionError(Exception):
    """A requirement that the installed distributions do not meet."""


def _requirements_module():
    """What chainer.testing uses of pkg_resources: WorkingSet().require and ResolutionError."""
    from packaging.requirements import Requirement

    class WorkingSet:
        def require(self, *requirements):
            for text in requirements:
                requirement = Requirement(text)
                try:
                    version = importlib.metadata.version(requirement.name)
                except importlib.metadata.PackageNotFoundError:
                    raise ResolutionError(f'{requirement.name} is not installed') from None
                if not requirement.specifier.contains(version, prereleases=True):
                    raise ResolutionError(f'{requirement.name} {version} does not meet {text}')

    module = types.ModuleType('pkg_resources')
    module.WorkingSet, module.ResolutionError = WorkingSet, ResolutionError
    return module


def asarray_in_unpack_params(memory_utility):
    """ChainerMN's unpack_params casts gradients with ``xp.array(v, copy=False, dtype=...)``:
    NumPy 2 refuses, since the cast copies.  Its ``chainer.backend.get_array_module`` hands
    it an ``xp`` whose ``array(copy=False)`` is ``asarray``, as NumPy 1's was."""
    if _copy_false_may_copy():
        return
    import chainer
    unpack = memory_utility.unpack_params
    backend = types.SimpleNamespace(
        get_array_module=lambda *arrays: _CopyFalseAsAsarray(
            chainer.backend.get_array_module(*arrays)))
    memory_utility.unpack_params = types.FunctionType(
        unpack.__code__, {**unpack.__globals__, 'chainer': types.SimpleNamespace(
            backend=backend)}, unpack.__name__, unpack.__defaults__, unpack.__closure__)
    APPLIED.append('chainermn_copy_false')


def _copy_false_may_copy():
    try:
        numpy.array(numpy.zeros(1, numpy.float32), copy=False, dtype=numpy.float16)
    except ValueError:
        return False
    return True


class _CopyFalseAsAsarray:
    """An array module (NumPy or CuPy) whose ``array(..., copy=False)`` is ``asarray``."""

    def __init__(self, xp):
        self.xp = xp

    def __getattr__(self, name):
        return getattr(self.xp, name)

    def array(self, obj, copy=True, dtype=None):
        if copy is False:
            return self.xp.asarray(obj, dtype=dtype)
        return self.xp.array(obj, copy=copy, dtype=dtype)
