"""netlib never imports its clients: setup.cfg's import-linter contract holds on the tree,
and it catches a library module that imports an experiment."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytest.importorskip('importlinter')
LINT_IMPORTS = Path(sys.executable).parent / 'lint-imports'


def lint_imports(folder):
    return subprocess.run([str(LINT_IMPORTS), '--no-cache', '--no-logo'], cwd=folder,
                          capture_output=True, text=True, timeout=120)


def test_netlib_imports_no_experiment_nor_benchmark():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '1 kept, 0 broken' in result.stdout


@pytest.mark.parametrize('line', ['import experiments', 'from experiments import report',
                                  'import bench.run'])
def test_the_contract_breaks_when_a_library_module_imports_a_client(tmp_path, line):
    shutil.copytree(ROOT / 'netlib', tmp_path / 'netlib',
                    ignore=shutil.ignore_patterns('__pycache__'))
    shutil.copy(ROOT / 'setup.cfg', tmp_path)
    with open(tmp_path / 'netlib' / 'files.py', 'a') as module:
        module.write(f'\n{line}\n')
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'BROKEN' in result.stdout and 'netlib.files' in result.stdout
