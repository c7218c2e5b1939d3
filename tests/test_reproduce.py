import subprocess
import sys

import pytest

from conftest import ROOT
from experiments.registry import EXPERIMENTS


def test_reproduce_writes_the_table(run, tmp_path):
    result = run('experiments.reproduce', '--only', 'steps_regression_blog',
                 '--only', 'steps_regression', '--results', tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    table = (tmp_path / 'README.md').read_text()
    assert '`損失関数:variable(19.60489845275879)` | 19.60489845275879 | 19.60489845275879 ' \
           '| = the post |  | pass |' in table
    assert '| 9.60805892944336 | `numpy_loss` ± 1e-06 |' in table
    assert (tmp_path / 'steps_regression' / 'loss.png').exists()
    assert '3/3 targets met' in result.stdout


def test_every_registered_target_names_a_known_kind():
    for experiment in EXPERIMENTS:
        for target in experiment.targets:
            assert target.kind in ('close', 'at_least', 'at_most')


@pytest.mark.parametrize('module', sorted({e.module for e in EXPERIMENTS}))
def test_every_experiment_runs_as_a_file_with_help(module):
    script = ROOT / (module.replace('.', '/') + '.py')
    result = subprocess.run([sys.executable, str(script), '--help'], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert '--out' in result.stdout and '--device' in result.stdout
