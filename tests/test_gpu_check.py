"""The GPU check prepared for a lent machine, kept from rotting: ``make gpu-bundle`` builds
from this checkout and stays under 64 MiB; ``bench/gpu_check.sh`` installs the bundle without
the network into a private folder and runs its CPU half (two CPU devices, compared)."""

import json
import os
import subprocess
import sys

from conftest import ROOT

EXPERIMENTS = ('steps_regression',)


def test_bundle_then_the_cpu_half_of_the_check(tmp_path, data_dir):
    bundle, out = tmp_path / 'bundle', tmp_path / 'out'
    python = f'{sys.version_info[0]}.{sys.version_info[1]}'
    made = subprocess.run(['make', 'gpu-bundle', f'VENV={sys.prefix}', f'GPU_BUNDLE={bundle}',
                           f'GPU_PYTHON={python}', f'NETLIB_DATA_DIR={data_dir}'],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr
    assert sum(path.stat().st_size for path in bundle.rglob('*')) < 64 * 2**20
    assert sorted(path.name.split('-')[0] for path in (bundle / 'wheels').iterdir()) == [
        'chainer', 'gensim', 'netlib', 'setuptools', 'smart_open']

    checked = subprocess.run(
        ['bash', 'bench/gpu_check.sh', str(out), '--devices=@numpy,-1', '--only', *EXPERIMENTS,
         '--timed'], cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, 'PYTHON': sys.executable, 'GPU_BUNDLE': str(bundle)})
    assert checked.returncode == 0, checked.stderr
    report = json.loads((out / 'gpu_check.json').read_text())
    for name in EXPERIMENTS:
        assert all(run['rc'] == 0 for run in report['tiny'][name]['runs'].values())
        compared = report['tiny'][name]['compared']['@numpy']
        assert compared and all(row['agrees'] for row in compared.values()), compared
        assert f'{name:20} agree' in (out / 'summary.txt').read_text()
    # doctor ran first and says what this machine has
    assert 'cupy        no CuPy installed' in report['doctor']


def test_the_check_refuses_to_run_without_a_bundle(tmp_path):
    checked = subprocess.run(['bash', 'bench/gpu_check.sh', str(tmp_path / 'out')], cwd=ROOT,
                             capture_output=True, text=True, timeout=60,
                             env={**os.environ, 'GPU_BUNDLE': str(tmp_path / 'none')})
    assert checked.returncode == 2 and checked.stderr.count('\n') == 1
    assert "run 'make gpu-bundle' first" in checked.stderr
    assert not (tmp_path / 'out').exists()
