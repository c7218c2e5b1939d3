"""netlib.compat on the running interpreter: each patch runs exactly when its
condition holds, and each patched chainer function gives NumPy's numbers."""

import ast
import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import chainer
import chainer.functions as F
import numpy as np
import pytest

from netlib import compat

ROOT = Path(__file__).resolve().parents[1]
NUMPY = tuple(int(part) for part in np.__version__.split('.')[:2])
SCIPY = tuple(int(part) for part in importlib.metadata.version('scipy').split('.')[:2])
SETUPTOOLS = (int(importlib.metadata.version('setuptools').split('.')[0]),)


def _major(distribution):
    try:
        return int(importlib.metadata.version(distribution).split('.')[0])
    except importlib.metadata.PackageNotFoundError:
        return 0


# netlib[gpu]'s CuPy, when installed (tests/test_gpu_extra.py installs it)
CUPY_12X, CUPY_13X = _major('cupy-cuda12x'), _major('cupy-cuda13x')


def _expected_patches():
    """The conditions, stated as versions rather than the probes the patches use."""
    return {
        # Always: its imports cost start-up time everywhere (and are gone in NumPy 2, on
        # Python 3.12, in setuptools >= 74 or 82).
        'environment_check': True,
        'as_strided': NUMPY >= (2, 0),
        'resize_images': NUMPY >= (1, 24),
        'categorical_log_prob': NUMPY >= (2, 0),
        'pad_sequence': NUMPY >= (2, 0),
        'sparse_matmul_float16': SCIPY >= (1, 15),
        'testing_pkg_resources': SETUPTOOLS >= (81,),
        'chainermn_copy_false': NUMPY >= (2, 0),
        # netlib[gpu] on NumPy 1: CuPy 13 and CUDA 12's wheels, none in the system
        'cuda_libraries': CUPY_12X == 13,
        # neither netlib[gpu] brings cuDNN
        'cudnn_absent': CUPY_12X == 13 or CUPY_13X == 14,
    }


def test_each_patch_applied_exactly_when_needed():
    """In a process that imports chainer and the two modules patched at their own import."""
    expected = _expected_patches()
    assert set(compat.PATCHES) == set(expected)
    completed = subprocess.run(
        [sys.executable, '-c', 'import json, chainer, chainer.testing, '
         'chainermn.communicators._memory_utility, netlib_chainer_compat as compat; '
         'print(json.dumps(compat.APPLIED))'], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert sorted(json.loads(completed.stdout)) == sorted(
        name for name, needed in expected.items() if needed)


def test_numpy_itself_is_unchanged():
    """The removed names reach only the chainer modules that read them."""
    assert hasattr(np, 'sctypes') == (NUMPY < (2, 0))
    assert not hasattr(np, 'float')


def test_import_chainer_alone_after_compat():
    completed = subprocess.run(
        [sys.executable, '-c', 'import netlib.compat, chainer; print(chainer.__version__)'],
        capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == '7.8.1'


def _first_import(tree, package):
    """Line of the first top-level import of ``package`` or its modules, else None."""
    for node in tree.body:
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import) else
                 [node.module or ''] if isinstance(node, ast.ImportFrom) else [])
        if any(name.split('.')[0] == package for name in names):
            return node.lineno
    return None


def test_entry_points_import_netlib_before_chainer():
    """A script run as a file (python experiments/NAME.py) gets no package __init__ first."""
    scripts = [*ROOT.glob('experiments/*.py'), *ROOT.glob('bench/*.py'), ROOT / 'tests/conftest.py']
    late = []
    for path in scripts:
        tree = ast.parse(path.read_text(encoding='utf-8'))
        chainer_line = _first_import(tree, 'chainer')
        netlib_line = min(filter(None, [_first_import(tree, 'netlib'),
                                        _first_import(tree, 'experiments')]), default=None)
        if chainer_line and not (netlib_line and netlib_line < chainer_line):
            late.append(path.relative_to(ROOT).as_posix())
    assert late == []


def test_resize_images_is_bilinear():
    x = np.random.RandomState(0).rand(1, 1, 3, 4).astype(np.float32)
    y = F.resize_images(x, (5, 7)).array  # corners aligned: Chainer's default
    rows = np.array([np.interp(np.linspace(0, 3, 7), np.arange(4), row) for row in x[0, 0]])
    expected = np.array([np.interp(np.linspace(0, 2, 5), np.arange(3), column)
                         for column in rows.T]).T
    np.testing.assert_allclose(y[0, 0], expected, rtol=1e-6)


def test_categorical_log_prob_picks_each_category():
    p = np.random.RandomState(1).dirichlet(np.ones(4), size=(2, 3)).astype(np.float32)
    x = np.array([[0, 3, 1], [2, 2, 0]], np.int32)
    log_prob = chainer.distributions.Categorical(p).log_prob(x).array
    expected = np.log(np.take_along_axis(p, x[..., None], axis=-1))[..., 0]
    np.testing.assert_allclose(log_prob, expected, rtol=1e-6)


@pytest.mark.filterwarnings('ignore:NumPy will stop allowing conversion:DeprecationWarning')
def test_pad_sequence_wraps_negative_padding_in_unsigned():
    xs = [np.array([1, 2, 3], np.uint8), np.array([4], np.uint8)]
    y = F.pad_sequence(xs, padding=-1).array
    fill = np.array(-1).astype(np.uint8)  # 255: NumPy's own cast
    np.testing.assert_array_equal(y, [[1, 2, 3], [4, fill, fill]])
    assert y.dtype == np.uint8


def test_pad_sequence_float_padding_unchanged():
    xs = [np.array([1.5, 2.5], np.float32), np.array([3.5], np.float32)]
    y = F.pad_sequence(xs, padding=-0.25).array
    np.testing.assert_array_equal(y, np.array([[1.5, 2.5], [3.5, -0.25]], np.float32))


def test_as_strided_forward_and_backward():
    x = chainer.Variable(np.arange(4, dtype=np.float32))
    y = F.as_strided(x, (3, 2), (1, 1), 0)  # overlapping windows, strides in elements
    itemsize = x.array.itemsize
    expected = np.lib.stride_tricks.as_strided(x.array, (3, 2), (itemsize, itemsize))
    np.testing.assert_array_equal(y.array, expected)
    F.sum(y).backward()  # reads np.sctypes['float']: each element's count of uses
    index = np.lib.stride_tricks.as_strided(np.arange(4, dtype=np.int64), (3, 2), (8, 8))
    counts = np.zeros(4, np.float32)
    np.add.at(counts, index, 1)
    np.testing.assert_array_equal(x.grad, counts)


def test_sparse_matmul_in_float16():
    """Chainer's COO product of float16 values against the dense product in float32."""
    dense = np.array([[0, 1.5, 0], [2, 0, -0.5]], np.float16)
    b = np.random.RandomState(2).rand(3, 4).astype(np.float16)
    sparse = chainer.utils.to_coo(dense)
    y = F.sparse_matmul(sparse, b).array
    assert y.dtype == np.float16
    np.testing.assert_allclose(y, dense.astype(np.float32) @ b.astype(np.float32), rtol=1e-3)
