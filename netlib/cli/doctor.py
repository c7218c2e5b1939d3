"""``netlib doctor``: what netlib runs on here, which chainer patches it needed, where its data is.

The first thing to paste into a bug report: the versions that can change a
run's numbers (:mod:`netlib.training.environment`), whether Numba's compiled kernels
run, the :mod:`netlib.compat` patches this NumPy and Python needed, and
whether MNIST and the book's weights are in the data folder.
"""

import os
import sys

import numpy as np

from netlib import compat, device
from netlib.serializers import weights
from netlib.training import environment
from netlib.datasets import fetch, mnist
from netlib.errors import DataError


def lines(data_dir=None):
    """The report, one line each."""
    found = environment.describe()
    found.pop('kernels')  # the --kernels choice of a run, not a property of the machine
    for name in ('cupy', 'cudnn'):  # device.gpu_report's lines say more
        found.pop(name, None)
    report = [f'{"executable":11} {sys.executable}']
    report += [f'{name:11} {value}' for name, value in found.items()]
    report.append(f'{"compiled":11} {_compiled_kernels()}')
    report.append(f'{"threads":11} {_blas_threads()}')
    report += device.gpu_report()
    report.append(f'compat      {len(compat.APPLIED)} of {len(compat.PATCHES)} chainer '
                  'patches applied in this process')
    report.append(f'  hook: {_hook()}')
    for name, why in compat.PATCHES.items():
        state = ('applied' if name in compat.APPLIED else 'on import'
                 if compat.APPLIED_ON_IMPORT_OF.get(name, __name__) not in sys.modules
                 else 'not needed')
        report.append(f'  {name:21} {state:10} {why}')
    return report + _data(data_dir)


def _hook():
    """Whether a script's bare ``import chainer`` gets the patches, and why not."""
    switch = os.environ.get(compat.VARIABLE)
    if switch is not None and switch.strip() == '0':
        return f'off ({compat.VARIABLE}=0): a script of your own imports stock chainer'
    if not compat.active():
        return 'not installed: netlib_chainer_compat.pth is not in site-packages'
    return ('on: any script that imports chainer gets these patches '
            f'({compat.VARIABLE}=0 turns it off)')


def main(data_dir=None):
    print('\n'.join(lines(data_dir)))


def _compiled_kernels():
    """Numba's answer on one 2x2 window (compiled on a machine's first run)."""
    try:
        from netlib.kernels import compiled
        x = np.arange(4, dtype=np.float32).reshape(1, 2, 2)
        y, corner = np.empty((1, 1, 1), np.float32), np.empty((1, 1, 1), np.int8)
        compiled.max_pool_2x2(x, y, corner)
    except Exception as error:  # any failure here is the finding, not a crash
        return f'Numba kernels FAIL: {type(error).__name__}: {error}'
    return 'Numba kernels run' if y[0, 0, 0] == 3 else 'Numba kernels give wrong numbers'


def _blas_threads():
    """The BLAS loaded at run time, from threadpoolctl when installed."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return 'threadpoolctl not installed'
    pools = [f"{pool['internal_api']} {pool['version']}: {pool['num_threads']} threads"
             for pool in threadpool_info()]
    return '; '.join(pools) or 'none loaded'


def _data(data_dir):
    try:
        folder = mnist.resolve_data_dir(data_dir)
        missing = mnist.missing_files(data_dir)
    except DataError as error:
        return [f'{"data":11} {error}', *_sources(data_dir)]
    try:  # reads the file and checks its SHA-256; never downloads here
        book = f'found ({weights.book_weights_path(data_dir, download=False).name})'
    except DataError as error:
        book = f'missing or wrong: {error}'
    mnist_state = ('found (4 files)' if not missing else
                   f'missing {", ".join(missing)}: downloaded on first use when online')
    return [f'{"data":11} {folder}', *_sources(data_dir),
            f'  {"mnist":21} {mnist_state}',
            f'  {"book weights":21} {book}']


def _sources(data_dir):
    """Where the data folder is looked for, in order, the first set used; how to set it."""
    sources = fetch.data_sources(data_dir)
    used = next(where for where, value in sources if value)
    lines = [f'  {number} {where:24} {value or "not set"}{"  <- used" if where == used else ""}'
             for number, (where, value) in enumerate(sources, start=1)]
    return lines + [f'  set it once: netlib data use FOLDER (kept in '
                    f'{fetch.remembered_data_file()}), or NETLIB_DATA_DIR, or --data-dir']
