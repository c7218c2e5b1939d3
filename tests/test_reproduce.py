import fnmatch
import importlib.metadata
import json
import platform
import subprocess
import sys

import pytest
from packaging.requirements import Requirement

from conftest import ROOT
from experiments.registry import EXPERIMENTS


def test_reproduce_writes_the_table(run, tmp_path):
    result = run('experiments.reproduce', '--only', 'steps_regression_blog',
                 '--only', 'steps_regression', '--results', tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    table = (tmp_path / 'README.md').read_text()
    assert '`損失関数:variable(19.60489845275879)` | 19.60489845275879 | 19.60489845275879 ' \
           '| = the post |  | pass |' in table
    assert '| 9.6080589 | `numpy_loss` = 9.6080589 ± 1e-06 |' in table
    assert (tmp_path / 'steps_regression' / 'loss.png').exists()
    assert '3/3 targets met' in result.stdout


# The libraries whose version changes a run's numbers; a run's args records the first two.
NUMERIC_LIBRARIES = ('numpy', 'numba', 'llvmlite')


def _exact_pins():
    """constraints.txt's ``name==version`` lines that hold for this Python."""
    pins = {}
    for line in (ROOT / 'constraints.txt').read_text().splitlines():
        line = line.split('#')[0].strip()
        if '==' in line:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate():
                pins[requirement.name] = next(iter(requirement.specifier)).version
    return pins


def test_a_fresh_install_computes_with_the_references_libraries():
    """make reproduce on a fresh clone installs the NumPy, Numba and LLVM the references
    were made with: pinned exactly for this Python, installed here, and, on the
    references' Python, the versions every reference run's args records."""
    pins = _exact_pins()
    assert {name: importlib.metadata.version(name) for name in NUMERIC_LIBRARIES} == \
        {name: pins.get(name) for name in NUMERIC_LIBRARIES}
    for args in sorted((ROOT / 'results').glob('*/args')):
        recorded = json.loads(args.read_text())['environment']
        if recorded['python'].rsplit('.', 1)[0] == platform.python_version().rsplit('.', 1)[0]:
            assert (recorded['numpy'], recorded['numba']) == (pins['numpy'], pins['numba']), args


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


def test_drift_table_lists_only_the_numbers_that_differ(tmp_path):
    from experiments import drift
    for stack, accuracy in (('a', 0.98), ('b', 0.981)):
        folder = tmp_path / stack / 'mnist_mlp'
        folder.mkdir(parents=True)
        (folder / 'metrics.json').write_text(
            f'{{"test_accuracy": {accuracy}, "seconds_per_epoch": 1.{len(stack)}, '
            '"curve": [1.0, 2.0]}')
    lines = drift.table(tmp_path / 'a', tmp_path / 'b')
    rows = [line for line in lines if '`mnist_mlp`' in line]
    assert rows == ['| `mnist_mlp` | test_accuracy | 0.98 | 0.981 | 1.0e-03 |']
    assert '| `steps_regression` | (not in both) | | | |' in lines


def test_a_rerun_with_the_same_seed_rewrites_no_tracked_byte(run, tmp_path):
    """Timings go to the ignored timings.json and run_times.json; every other file of the
    reference output comes back byte for byte, so `make reproduce` leaves git status clean."""
    ignore = [line for line in (ROOT / '.gitignore').read_text().splitlines()
              if line.startswith('/results/')]
    assert {'/results/*/timings.json', '/results/run_times.json'} <= set(ignore)

    def tracked(path):
        return not any(fnmatch.fnmatch(f'/results/{path.relative_to(tmp_path)}', pattern)
                       for pattern in ignore)

    outputs = []
    for _ in range(2):
        result = run('experiments.reproduce', '--only', 'steps_regression', '--results',
                     tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append({path.relative_to(tmp_path): path.read_bytes()
                        for path in sorted(tmp_path.rglob('*')) if path.is_file() and tracked(path)})
    assert outputs[0] == outputs[1] and len(outputs[0]) >= 4  # args, log, metrics, plot
    timings = json.loads((tmp_path / 'steps_regression' / 'timings.json').read_text())
    assert timings['log'] and all('elapsed_time' in record for record in timings['log'])
    assert 'elapsed_time' not in (tmp_path / 'steps_regression' / 'log').read_text()
