"""Every experiment's every numeric flag at 0, -1, NaN and too large (for memory under a
limit, or infinite): exit 2, one line on stderr that names the flag, no traceback, nothing
left behind (``tests/flag_sweep.py`` reads the flags off each experiment's parser, so a new
flag is covered; its ALLOWED table names the few values that are a user's right, and why)."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from experiments.registry import EXPERIMENTS

SCRIPTS = sorted({experiment.module.split('.')[-1] for experiment in EXPERIMENTS})


@pytest.mark.parametrize('name', SCRIPTS)
def test_every_numeric_flag_refuses_zero_negative_nan_and_too_large(name, data_dir):
    swept = subprocess.run([sys.executable, 'tests/flag_sweep.py', name], cwd=ROOT,
                           capture_output=True, text=True, timeout=300,
                           env={'NETLIB_DATA_DIR': str(data_dir), 'PATH': '',
                                'PYTHONPATH': str(ROOT)})  # this checkout's, not an install's
    assert swept.returncode == 0, swept.stderr[-3000:]
    cases = json.loads(swept.stdout)
    assert len(cases) >= 8  # at least --seed and --lr or a size flag, each four ways
    wrong = [case for case in cases
             if case.get('code') != 2 or case['left'] or 'Traceback' in case['stderr']
             or len(case['stderr'].strip().splitlines()) != 1
             or not any(name in case['stderr'] for name in case['names'])]
    assert wrong == [], '\n'.join(
        f"{case['flag']} {case['value']}: " + ('accepted' if case.get('accepted') else
                                             case.get('crash') or case['stderr'].strip())
        + (f" (left {case['left']})" if case['left'] else '') for case in wrong)
