"""Chainer 7.8.1 on today's Python, NumPy and setuptools, for any code that imports chainer.

netlib installs ``netlib_chainer_compat.pth`` into site-packages: at start-up
it calls :func:`install`, which puts a finder on ``sys.meta_path`` and imports
nothing else.  When a process first imports ``chainer`` (or one of the chainer
modules patched below), the finder runs that module's patches around its
import; a process that never imports chainer pays for one small module.
``NETLIB_CHAINER_COMPAT=0`` leaves chainer stock; ``import netlib`` applies the
patches whatever it says, since netlib itself needs them.

Chainer's last release was written for NumPy 1 and Python <= 3.11.  Each patch
fixes one thing in one chainer file, and runs only when its condition (a probe
of the installed NumPy or setuptools) holds, so on Python 3.11 with NumPy 1.26
most do nothing.  NumPy itself is not changed: a chainer function that reads a
removed NumPy name is replaced by a copy whose ``numpy`` still has it (the
module keeps the real numpy, which its ``xp is numpy`` tests need).
``PATCHES`` says what each patch is for, ``APPLIED`` names those that ran;
``netlib doctor`` prints both.
"""

import importlib.machinery
import os
import sys

VARIABLE = 'NETLIB_CHAINER_COMPAT'
SWITCH = {'0': False, '1': True, '': True}

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
    'sparse_matmul_float16': 'chainer/functions/math/sparse_matmul.py: scipy.sparse refuses '
                             'float16 since SciPy 1.15',
    'testing_pkg_resources': 'chainer/testing/helper.py, doctest_helper.py: pkg_resources '
                             'deprecated in setuptools 81, gone in 82',
    'chainermn_copy_false': "chainermn/communicators/_memory_utility.py: np.array's "
                            'copy=False refuses to copy in NumPy 2',
    'cuda_libraries': "chainer/backends/cuda.py: CuPy 13 finds CUDA's libraries only in the "
                      "system, not in NVIDIA's wheels (netlib[gpu] on NumPy 1)",
    'cudnn_absent': 'chainer/backends/cuda.py: Chainer runs its own GPU code without cuDNN '
                    '(none in CuPy 14, none in netlib[gpu] for CuPy 13), but warns to '
                    'reinstall CuPy',
}
APPLIED = []
_PATCHED = []  # 'chainer' once its patches ran


def install():
    """Called by the .pth file: patch chainer when it is first imported, unless switched off."""
    value = os.environ.get(VARIABLE, '').strip()
    if value not in SWITCH:
        sys.meta_path.insert(0, _Refusal(value))
    elif SWITCH[value] and not any(isinstance(f, _ChainerFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _ChainerFinder())


def active():
    """Whether the finder that patches chainer's modules is on ``sys.meta_path``."""
    return any(isinstance(finder, _ChainerFinder) for finder in sys.meta_path)


def import_chainer():
    """``import chainer`` with every needed patch, whatever the switch says (netlib's way)."""
    if not active():
        sys.meta_path.insert(0, _ChainerFinder())
    if 'chainer' in sys.modules and not _PATCHED:  # imported stock before netlib
        from netlib_chainer_patches import after_import
        after_import()
        _PATCHED.append('chainer')
    import chainer
    return chainer


class _Refusal:
    """An unknown value of the switch: one line and exit code 2 at ``import chainer``."""

    def __init__(self, value):
        self.value = value

    def find_spec(self, name, path=None, target=None):
        if name != 'chainer':
            return None
        print(f'netlib: {VARIABLE} must be 0 (stock chainer) or 1 (patched), '
              f'not {self.value!r}', file=sys.stderr)
        raise SystemExit(2)


class _ChainerFinder:
    """Finds the patched chainer modules as usual and runs their patches around the import."""

    def find_spec(self, name, path=None, target=None):
        patch = _PATCH_AROUND.get(name)
        if patch is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _PatchingLoader(spec.loader, patch)
        return spec


class _PatchingLoader:
    """The module's own loader, inside its patch; the module keeps its own loader."""

    def __init__(self, loader, patch):
        self.loader, self.patch = loader, patch

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__spec__.loader = module.__loader__ = self.loader
        self.patch(lambda: self.loader.exec_module(module), module)


def _patch_chainer(load, chainer):
    from netlib_chainer_patches import after_import, before_import
    undo = before_import()
    try:
        load()
    finally:
        undo()
    after_import()
    _PATCHED.append('chainer')


def _patch_testing(load, module):
    from netlib_chainer_patches import without_pkg_resources
    without_pkg_resources(load)


def _patch_chainermn(load, module):
    from netlib_chainer_patches import asarray_in_unpack_params
    load()
    asarray_in_unpack_params(module)


def _patch_cuda(load, module):
    from netlib_chainer_patches import quiet_about_absent_cudnn
    quiet_about_absent_cudnn(load, module)


# The patches that run at the import of a module of their own, not at ``import chainer``.
APPLIED_ON_IMPORT_OF = {'testing_pkg_resources': 'chainer.testing.helper',
                        'chainermn_copy_false': 'chainermn.communicators._memory_utility'}

_PATCH_AROUND = {
    'chainer': _patch_chainer,
    'chainer.backends.cuda': _patch_cuda,
    'chainer.testing.helper': _patch_testing,
    'chainer.testing.doctest_helper': _patch_testing,
    'chainermn.communicators._memory_utility': _patch_chainermn,
}
