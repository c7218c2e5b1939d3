import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Before any test module's `import chainer`: chainer 7.8.1 needs it on NumPy 2.
import netlib.compat  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


def run_module(module, *args, cwd=None):
    """Run ``python -m MODULE ARGS`` as a user would; return the CompletedProcess."""
    return subprocess.run([sys.executable, '-m', module, *map(str, args)],
                          cwd=cwd or ROOT, capture_output=True, text=True, timeout=600)


@pytest.fixture(autouse=True)
def chainers_own_kernels():
    """A test that runs an experiment in-process swaps in --kernels fast; put Chainer's back."""
    from netlib import kernels
    with kernels.using('chainer'):
        yield


@pytest.fixture
def run():
    return run_module


@pytest.fixture(scope='session')
def mpiexec():
    """mpiexec and mpi4py (the mpi extra: the mpich wheel puts mpiexec beside this Python),
    or a skip where they are missing (a failure in CI, whose `make test` installs them)."""
    found = shutil.which('mpiexec', path=str(Path(sys.executable).parent))
    if found is None or importlib.util.find_spec('mpi4py') is None:
        reason = "mpi4py or mpiexec missing: pip install -e '.[mpi]'"
        if os.environ.get('CI'):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture(scope='session')
def data_dir():
    """The shared data folder (MNIST, the book's weights), or a skip where there is none.

    ``$NETLIB_DATA_DIR`` when set (the Makefile sets it), else ``../shared/data``.
    """
    root = Path(os.environ.get('NETLIB_DATA_DIR') or ROOT.parent / 'shared' / 'data')
    if not (root / 'mnist').is_dir() or not (root / 'dlfs').is_dir():
        if os.environ.get('CI'):  # CI has ../shared beside the clone: never skip there
            pytest.fail(f'MNIST and the book weights are missing from {root}')
        pytest.skip(f'MNIST or the book weights not found in {root}')
    return root


def registry_misses(name, metrics):
    """The targets of experiment *name* with a fixed criterion that *metrics* miss.

    Small test runs are held to the registry's own criteria; a bound taken
    from the seed spread belongs to the full-size run only and is skipped.
    """
    from experiments.registry import EXPERIMENTS
    from experiments.targets import SPREAD
    experiment = next(e for e in EXPERIMENTS if e.name == name)
    return [f'{target.label}: {metrics.get(target.metric)!r} vs {target.criterion(None, metrics)}'
            for target in experiment.targets if SPREAD not in (target.tolerance, target.bound)
            if not target.passes(metrics.get(target.metric), metrics)]


def parser_of(module_name):
    """The argument parser of experiment module *module_name*, as its ``main`` makes it."""
    from netlib.cli import flags
    module = importlib.import_module(module_name)
    return flags.make_parser(module.__doc__, module.DEFAULTS, getattr(module, 'add_flags', None))
