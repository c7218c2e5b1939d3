"""``netlib doctor`` as a user runs it: the versions, the chainer patches, the data."""

import platform

import chainer
import numpy as np

from netlib import compat


def test_doctor_names_the_stack_and_the_patches(run, data_dir):
    result = run('netlib.cli.command', 'doctor', '--data-dir', data_dir)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for name, version in [('python', platform.python_version()), ('numpy', np.__version__),
                          ('chainer', chainer.__version__)]:
        assert f'{name:11} {version}\n' in out
    assert 'Numba kernels run' in out
    at_import_chainer = [name for name in compat.APPLIED
                         if name not in compat.APPLIED_ON_IMPORT_OF]
    assert (f'{len(at_import_chainer)} of {len(compat.PATCHES)} chainer patches applied '
            'in this process') in out
    for name in compat.PATCHES:
        state = ('on import' if name in compat.APPLIED_ON_IMPORT_OF else
                 'applied' if name in compat.APPLIED else 'not needed')
        assert f'  {name:21} {state:10} ' in out
    assert '  hook: on: any script that imports chainer gets these patches' in out
    assert 'mnist                 found (4 files)' in out


def test_doctor_says_what_data_is_missing(run, tmp_path):
    result = run('netlib.cli.command', 'doctor', '--data-dir', tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'missing train-images-idx3-ubyte' in result.stdout
    assert 'book weights          missing' in result.stdout
