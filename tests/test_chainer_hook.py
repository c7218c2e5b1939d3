"""Any Chainer code on today's Python: after netlib's install, a script that imports only
chainer gets the patches from the .pth hook, trains from Chainer's own MNIST loader
offline (the cache netlib fills) and resumes; the switch turns the hook off."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
NUMPY_2 = int(np.__version__.split('.')[0]) >= 2


def python(code_or_args, tmp_path, **env):
    """This virtualenv's Python in an empty folder, as a user's own script runs."""
    args = ['-c', code_or_args] if isinstance(code_or_args, str) else code_or_args
    environment = {**os.environ, **env}
    environment.pop('PYTHONPATH', None)
    return subprocess.run([sys.executable, *args], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=600)


def test_a_bare_import_chainer_is_patched_with_warnings_as_errors(tmp_path):
    """-W error: stricter than error::DeprecationWarning, since setuptools 81 warns about
    pkg_resources with a UserWarning."""
    result = python(['-W', 'error', '-c',
                     'import sys, chainer, chainer.testing, chainer.gradient_check; '
                     'print("netlib" in sys.modules)'], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == 'False\n'


def test_a_process_without_chainer_loads_no_patch_and_no_numpy(tmp_path):
    result = python('import sys; print(sorted(name for name in sys.modules '
                    'if "numpy" in name or name.startswith("netlib")))', tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "['netlib_chainer_compat']\n"


def test_switched_off_chainer_is_stock(tmp_path):
    result = python('import chainer._environment_check as check, netlib_chainer_compat as c; '
                    'print(check.__file__ is not None, c.APPLIED)', tmp_path,
                    NETLIB_CHAINER_COMPAT='0')
    if NUMPY_2:  # stock chainer 7.8.1 does not import on NumPy 2: the hook is the difference
        assert result.returncode == 1
        assert '`np.sctypes` was removed in the NumPy 2.0 release' in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout == 'True []\n'


def test_an_unknown_switch_is_one_line_and_exit_2(tmp_path):
    result = python('import chainer', tmp_path, NETLIB_CHAINER_COMPAT='maybe')
    assert result.returncode == 2
    assert result.stderr == ("netlib: NETLIB_CHAINER_COMPAT must be 0 (stock chainer) or 1 "
                             "(patched), not 'maybe'\n")


def test_with_requires_answers_as_pkg_resources_did(tmp_path):
    result = python('import unittest, chainer.testing as t\n'
                    'for need in ["numpy>=1.21", "numpy<1", "no-such-package"]:\n'
                    '    case = t.with_requires(need)(type("Case", (unittest.TestCase,), {}))\n'
                    '    print(need, getattr(case, "__unittest_skip__", False))', tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split('\n')[:3] == ['numpy>=1.21 False', 'numpy<1 True',
                                             'no-such-package True']


def test_chainermn_casts_gradients_for_transfer(tmp_path):
    """unpack_params with float16 transfer (copy=False needs a copy: NumPy 2 refused)."""
    pytest.importorskip('mpi4py')
    result = python(
        'import numpy as np, chainer\n'
        'from chainermn.communicators import _memory_utility as memory\n'
        'param = chainer.Parameter(np.zeros(3, np.float32)); param.grad = '
        'np.array([0.5, 1.25, -2.0], np.float32)\n'
        'sent = []\n'
        'class Buffer:\n'
        '    def to_device(self, v, size, offset, stream): sent.append((v.dtype.name, '
        'v.tolist(), size))\n'
        'memory.unpack_params([param], "grad", Buffer(), np.float16, False)\n'
        'print(sent)', tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[('float16', [0.5, 1.25, -2.0], 6)]\n"


@pytest.fixture(scope='module')
def chainer_cache(data_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp('chainer-dataset')
    result = subprocess.run([sys.executable, '-m', 'netlib.cli.command', 'data',
                             'chainer-cache', '--data-dir', data_dir, '--root', root],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return root


def test_chainers_mnist_example_trains_offline_and_resumes(chainer_cache, tmp_path):
    example = [str(ROOT / 'examples' / 'chainer_mnist.py'), '--subset', '1000',
               '--unit', '100']
    first = python([*example, '--iterations', '200'], tmp_path,
                   CHAINER_DATASET_ROOT=str(chainer_cache))
    assert first.returncode == 0, first.stderr
    resumed = python([*example, '--iterations', '300', '--resume',
                      'result/snapshot_iter_200'], tmp_path,
                     CHAINER_DATASET_ROOT=str(chainer_cache))
    assert resumed.returncode == 0, resumed.stderr
    log = json.loads((tmp_path / 'result' / 'log').read_text())
    assert [entry['iteration'] for entry in log] == [100, 200, 300]
    # 1,000 training images, 200 test images, 300 iterations straight: 0.920 to 0.945
    # over seeds 0-4 (the resumed run reshuffles from iteration 200).
    assert log[-1]['validation/main/accuracy'] >= 0.9


@pytest.mark.parametrize('case', ['root under a file', 'no MNIST'])
def test_a_cache_that_cannot_be_filled_is_one_line_and_exit_2(case, data_dir, tmp_path):
    blocker = tmp_path / 'a-file'
    blocker.write_text('')
    root, source = ((blocker / 'dataset', data_dir) if case == 'root under a file' else
                    (tmp_path / 'dataset', tmp_path))
    result = subprocess.run([sys.executable, '-m', 'netlib.cli.command', 'data',
                             'chainer-cache', '--data-dir', source, '--root', root],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert ("cannot write Chainer's dataset cache" if case == 'root under a file' else
            'MNIST file missing from') in result.stderr
    assert not (tmp_path / 'dataset').exists()
