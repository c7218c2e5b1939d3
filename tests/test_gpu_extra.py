"""netlib[gpu] on this machine without a GPU: this stack's extra, installed into a throwaway
virtualenv that sees the test virtualenv's packages, gives a plain ``import chainer`` a CuPy
with CUDA's libraries; every ``cupy.*`` name Chainer uses is there or is cuDNN's, which Chainer reaches
only with cuDNN on; ``--device 0`` names what is still missing, and writes nothing.

The extra (CuPy with NVIDIA's CUDA wheels, about 3 GB installed) is installed once per
requirement list, in the test virtualenv's folder (50 to 80 s from pip's cache here), and kept.
"""

import fcntl
import hashlib
import json
import os
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from conftest import ROOT
from netlib import device

PIP = [sys.executable, '-m', 'pip', '--disable-pip-version-check']
# What a plain script sees: no netlib import before chainer (the .pth hook patches it).
PROBE = """
import json
import chainer
from chainer.backends import cuda
import netlib_chainer_compat as compat
device = chainer.get_device('@cupy:0')
print(json.dumps({'available': cuda.available, 'device': str(device), 'cudnn': cuda.cudnn_enabled,
                  'applied': compat.APPLIED}))
"""
# Chainer reaches these only where cuda.cudnn_enabled (CuPy 14 has no cuDNN; netlib[gpu]
# brings none for CuPy 13), or in an except branch after trying the current name.
ABSENT_AND_GUARDED = {
    'cupy.cudnn': 'cuDNN', 'cupy.cuda.cudnn': 'cuDNN',
    'cupy.util': "CuPy 7's name; chainer/backends/cuda.py tries cupy._util first",
}


def gpu_requirements():
    """The extra as netlib's installed metadata declares it, for this Python."""
    chosen = []
    for text in metadata.requires('netlib'):
        requirement = Requirement(text)
        if requirement.marker and requirement.marker.evaluate({'extra': 'gpu'}) \
                and not requirement.marker.evaluate({'extra': ''}):
            requirement.marker = None
            chosen.append(str(requirement))
    return chosen


def _install(folder, requirements, *options):
    """A virtualenv at *folder* over the test virtualenv's packages (and its .pth hook), and
    what pip's resolution against them lacks in its own site-packages, where CuPy 14's
    cuda-pathfinder looks for NVIDIA's libraries."""
    subprocess.run([sys._base_executable, '-m', 'venv', '--without-pip', str(folder)], check=True)
    site_packages = _site_packages(folder)
    (site_packages / 'test-virtualenv.pth').write_text(
        f"import site; site.addsitedir({sysconfig.get_path('purelib')!r})\n")
    report = Path(f'{folder}.json')
    resolved = subprocess.run([*PIP, 'install', '--dry-run', '--quiet', '--report', str(report),
                               '-c', str(ROOT / 'constraints.txt'), *options, *requirements],
                              capture_output=True, text=True, timeout=600)
    if resolved.returncode != 0:
        _skip_if_offline(resolved.stderr)
    pins = [f"{item['metadata']['name']}=={item['metadata']['version']}"
            for item in json.loads(report.read_text())['install']]
    installed = subprocess.run([*PIP, 'install', '--quiet', '--no-deps', '--target',
                                str(site_packages), *pins], capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, installed.stderr


def _skip_if_offline(pip_error):
    reached = subprocess.run([*PIP, 'download', '--no-deps', '--quiet', '-d', os.devnull,
                              'packaging'], capture_output=True, text=True, timeout=120)
    if reached.returncode != 0:
        pytest.skip(f'the package registry cannot be reached: {reached.stderr.strip()[-200:]}')
    pytest.fail(f'netlib[gpu] does not resolve: {pip_error}')


def _installed_once(name, requirements, *options):
    """*requirements* in a folder beside the test virtualenv, kept by their hash."""
    key = hashlib.sha256(repr((requirements, options)).encode()
                         + (ROOT / 'constraints.txt').read_bytes()).hexdigest()[:12]
    folder = Path(sys.prefix) / f'{name}-{key}'
    with open(f'{folder}.lock', 'w') as lock:  # one install for both pytest-xdist workers
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / '.complete').exists():
            _install(folder, requirements, *options)
            (folder / '.complete').touch()
    return folder


@pytest.fixture(scope='module')
def gpu_extra():
    return _installed_once('gpu-extra', gpu_requirements())


@pytest.fixture(scope='module')
def cupy_alone():
    """This extra's CuPy without NVIDIA's library wheels (a user's bare `pip install cupy`)."""
    cupy = [text for text in gpu_requirements() if text.startswith('cupy')][0]
    return _installed_once('cupy-alone', [Requirement(cupy).name], '--no-deps')


def _site_packages(venv):
    return venv / 'lib' / f'python{sys.version_info[0]}.{sys.version_info[1]}' / 'site-packages'


def _python(venv, *args):
    return subprocess.run([str(venv / 'bin' / 'python'), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_the_extra_is_this_stacks_cupy():
    names = {Requirement(text).name for text in gpu_requirements()}
    expected = 'cupy-cuda12x' if sys.version_info < (3, 12) else 'cupy-cuda13x'
    assert expected in names and len({'cupy-cuda12x', 'cupy-cuda13x'} & names) == 1


def test_plain_import_chainer_finds_cupy(gpu_extra):
    result = _python(gpu_extra, '-W', 'error::UserWarning', '-c', PROBE)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found['available'] is True and found['device'] == '@cupy:0'
    assert found['cudnn'] is False and 'cudnn_absent' in found['applied']
    assert ('cuda_libraries' in found['applied']) == (sys.version_info < (3, 12))


def test_doctor_prints_the_cupy_line(gpu_extra):
    result = _python(gpu_extra, '-m', 'netlib.cli.command', 'doctor')
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    major = '13.' if sys.version_info < (3, 12) else '14.'
    assert lines['cupy'].startswith(f'cupy        {major}')
    assert 'no NVIDIA driver (libcuda.so.1 not found)' in lines['cupy']
    assert "off (" in lines['cudnn'] and "Chainer's own GPU code runs" in lines['cudnn']


def test_every_cupy_name_chainer_uses_is_there(gpu_extra):
    result = _python(gpu_extra, 'tests/chainer_cupy_names.py')
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found['names'] > 100  # the walk reads Chainer's GPU code, not nothing
    missing = sorted(name for name in found['missing']
                     if not any(name == absent or name.startswith(absent + '.')
                                for absent in ABSENT_AND_GUARDED))
    assert missing == [], {name: found['missing'][name] for name in missing}
    assert found['keywords'] == {}


@pytest.mark.parametrize('folder, reason', [
    ('gpu_extra', 'no NVIDIA driver on this machine (libcuda.so.1 not found)'),
    ('cupy_alone', 'CuPy finds no CUDA library ('),
])
def test_device_0_names_what_is_missing(folder, reason, request, tmp_path):
    result = _python(request.getfixturevalue(folder), '-m', 'experiments.steps_regression',
                     '--device', '0', '--out', str(tmp_path / 'run'))
    assert result.returncode == 2 and 'Traceback' not in result.stderr
    assert result.stderr.count('\n') == 1 and reason in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_cpu_run_beside_the_extra_gives_the_same_numbers(gpu_extra, tmp_path):
    """CuPy installed without a driver: seeding and the run stay on NumPy (CuPy 13's
    is_available raised there), and the metrics are those of a machine without CuPy."""
    command = ['-m', 'experiments.steps_regression', '--device', '-1', '--epoch', '3']
    beside = _python(gpu_extra, *command, '--out', str(tmp_path / 'beside'))
    assert beside.returncode == 0, beside.stderr
    alone = subprocess.run([sys.executable, *command, '--out', str(tmp_path / 'alone')],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert alone.returncode == 0, alone.stderr
    metrics = [json.loads((tmp_path / run / 'metrics.json').read_text())
               for run in ('beside', 'alone')]
    assert metrics[0] == metrics[1]


class _CudaError(RuntimeError):
    """What CuPy's CUDARuntimeError carries: CUDA's status number."""

    def __init__(self, status):
        super().__init__(f'cudaError {status}')
        self.status = status


@pytest.mark.parametrize('status, reason', [
    (device.NO_GPU, 'the NVIDIA driver sees no GPU'),
    (device.NO_SUCH_GPU, 'no GPU 3: this machine has 0'),
    (999, 'cudaError 999'),
])
def test_a_gpu_cuda_refuses_is_named(status, reason):
    """The statuses a machine with a driver gives (none here): a GPU missing or out of range."""
    assert device.gpu_missing(_CudaError(status), '@cupy:3') == reason
