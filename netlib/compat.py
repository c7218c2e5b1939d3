"""Chainer 7.8.1 on today's Python, NumPy and setuptools; imported before chainer.

Chainer's last release was written for NumPy 1 and Python <= 3.11.  Each patch
below fixes one thing in one chainer file, and runs only when its condition
(a probe of the installed NumPy or setuptools) holds, so on Python 3.11 with
NumPy 1.26 most do nothing.  NumPy itself is not changed: a chainer function
that reads a removed NumPy name is replaced by a copy whose ``numpy`` still has
it (the module keeps the real numpy, which its ``xp is numpy`` tests need).
``PATCHES`` says what each patch is for, ``APPLIED`` names those that ran;
``netlib doctor`` prints both.

Not patched: ChainerMN's ``communicators/_memory_utility.py`` passes ``copy=False``
to ``np.array`` (an error under NumPy 2 when a copy is needed); importing it
starts MPI, and netlib does not use ChainerMN.
"""

import sys
import types
import warnings

import numpy

PATCHES = {
    'environment_check': 'chainer/_environment_check.py: no numpy.distutils (NumPy 2, '
                         'Python 3.12, setuptools >= 74), no pkg_resources (setuptools 82), '
                         'and 0.25 s of start-up',
    'as_strided': 'chainer/functions/array/as_strided.py: np.sctypes removed in NumPy 2',
    'resize_images': 'chainer/functions/array/resize_images.py: numpy.float removed in '
                     'NumPy 1.24',
    'categorical_log_prob': 'chainer/distributions/categorical.py: numpy.meshgrid returns '
                            'a tuple in NumPy 2',
    'pad_sequence': 'chainer/functions/array/pad_sequence.py: NumPy 2 refuses -1 in an '
                    'unsigned array',
}
APPLIED = []


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


# chainer/_environment_check.py imports numpy.distutils (gone in NumPy 2 and on
# Python 3.12; on 3.11 it needs setuptools < 74) and pkg_resources (gone in
# setuptools 82) to warn about macOS's Accelerate and about CuPy or iDeep versions
# other than Chainer's.  Neither warning applies to netlib's machines (`netlib doctor`
# prints the CuPy version), and the imports alone took 0.25 s of every run's
# start-up (import netlib.compat, chainer: 0.80 -> 0.55 s): `import chainer` gets a
# check that does nothing.
_check = types.ModuleType('chainer._environment_check')
_check.check = lambda: None
sys.modules[_check.__name__] = _check
APPLIED.append('environment_check')

# chainer/functions/array/as_strided.py reads np.sctypes at import and in
# backward (AsStridedGrad.forward); NumPy 2 removed it.  NumPy 1.26's table,
# lent to numpy for the import only.
_SCTYPES = {
    'int': [numpy.int8, numpy.int16, numpy.int32, numpy.int64],
    'uint': [numpy.uint8, numpy.uint16, numpy.uint32, numpy.uint64],
    'float': [numpy.float16, numpy.float32, numpy.float64, numpy.longdouble],
    'complex': [numpy.complex64, numpy.complex128, numpy.clongdouble],
    'others': [bool, object, bytes, str, numpy.void],
}
if not hasattr(numpy, 'sctypes'):
    numpy.sctypes = _SCTYPES
    try:
        from chainer.functions.array import as_strided
    finally:
        del numpy.sctypes
    as_strided.AsStridedGrad.forward = _with_old_numpy(as_strided.AsStridedGrad.forward,
                                                       'np', sctypes=_SCTYPES)
    APPLIED.append('as_strided')

import chainer  # noqa: E402  (after the two import-time patches above)
import chainer.distributions.categorical  # noqa: E402
import chainer.functions.array.pad_sequence  # noqa: E402
import chainer.functions.array.resize_images  # noqa: E402

# chainer/functions/array/resize_images.py uses numpy.float, an alias of float
# that NumPy 1.24 removed.
if not hasattr(numpy, 'float'):
    _resize = chainer.functions.array.resize_images
    _resize.compute_indices_and_weights = _with_old_numpy(_resize.compute_indices_and_weights,
                                                          float=float)
    APPLIED.append('resize_images')

# chainer/distributions/categorical.py's log_prob adds a list to what
# numpy.meshgrid returns: a list in NumPy 1, a tuple in NumPy 2.
if isinstance(numpy.meshgrid([0]), tuple):
    _Categorical = chainer.distributions.categorical.Categorical
    _Categorical.log_prob = _with_old_numpy(
        _Categorical.log_prob, meshgrid=lambda *xi, **kw: list(numpy.meshgrid(*xi, **kw)))
    APPLIED.append('categorical_log_prob')


def _stores_negative_in_unsigned():
    try:
        with warnings.catch_warnings():  # NumPy 1.24 to 1.26 warn, then wrap
            warnings.simplefilter('ignore', DeprecationWarning)
            numpy.zeros(1, numpy.uint8)[0] = -1
    except OverflowError:
        return False
    return True


# chainer/functions/array/pad_sequence.py stores the padding into an array of
# the inputs' dtype: NumPy 1 wrapped -1 to 255 in uint8, NumPy 2 raises
# OverflowError.  The padding is cast first, as NumPy 1 did.
if not _stores_negative_in_unsigned():
    _PadSequence = chainer.functions.array.pad_sequence.PadSequence
    _pad_forward = _PadSequence.forward

    def _forward_cast_padding(self, xs):
        self.padding = numpy.array(self.padding).astype(xs[0].dtype)[()]
        return _pad_forward(self, xs)

    _PadSequence.forward = _forward_cast_padding
    APPLIED.append('pad_sequence')
