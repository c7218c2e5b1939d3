import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_module(module, *args, cwd=None):
    """Run ``python -m MODULE ARGS`` as a user would; return the CompletedProcess."""
    return subprocess.run([sys.executable, '-m', module, *map(str, args)],
                          cwd=cwd or ROOT, capture_output=True, text=True, timeout=600)


@pytest.fixture
def run():
    return run_module
