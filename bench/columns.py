"""The report's two columns: this machine's OpenBLAS settings, and as on a user's machine.

The machines here may set ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` (older
OpenBLAS builds computed wrong results on their CPUs); a user's machine with the
same processor sets neither, and OpenBLAS then picks its own kernels.  The bench
measures each ratio a second time with both removed, in the environment of the
commands it launches and nowhere else.  PyTorch's CPU build runs MKL and oneDNN
(``torch.__config__.show()``), not OpenBLAS, so it ignores both.  Where this
machine sets neither, the two columns are one measurement, and say so.
"""

import json
import subprocess
import sys

from bench import targets

VARIABLES = ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE')
THREADPOOL_INFO = ('import numpy, threadpoolctl, json; '
                   'print(json.dumps(threadpoolctl.threadpool_info()))')
LABELS = {'this_machine': "this machine's OpenBLAS settings",
          'users_machine': "as on a user's machine: " + ' and '.join(VARIABLES) +
                           " unset in the bench's commands"}
ALREADY_UNSET = ('this machine sets neither variable: the same measurement as '
                 'this_machine, not run twice')
MEASURED_APART = ("whole runs: netlib's command once more in each round, without the "
                  "variables; one PyTorch side serves both columns. Finer view: a child "
                  "process without them, with its own netlib, PyTorch and limit")


def variables_set(environment):
    """``{name: value}`` of the variables *environment* sets (empty on a user's machine)."""
    return {name: environment[name] for name in VARIABLES if name in environment}


def users_environment(environment):
    """*environment* without the variables a user's machine does not set."""
    return {name: value for name, value in environment.items() if name not in VARIABLES}


def openblas_kernel(environment):
    """The OpenBLAS a NumPy process started with *environment* loads: its kernel
    (threadpoolctl's ``architecture``), its version and the variables' values."""
    completed = subprocess.run([sys.executable, '-c', THREADPOOL_INFO], env=dict(environment),
                               capture_output=True, text=True, check=True)
    pools = [pool for pool in json.loads(completed.stdout) if pool['internal_api'] == 'openblas']
    pool = pools[0] if pools else {}
    return {'architecture': pool.get('architecture'), 'version': pool.get('version'),
            'variables': {name: environment.get(name) for name in VARIABLES}}


def build(environment, ratios, users_measured=None):
    """``{'this_machine': column, 'users_machine': column}``.  *users_measured*:
    ``{'ratios': ..., and what else the user's column keeps}``, or None where
    *environment* sets neither variable (the user's column is then this machine's)."""
    this = column('this_machine', openblas_kernel(environment), ratios)
    if users_measured is None:
        return {'this_machine': this,
                'users_machine': column('users_machine', this['openblas'], ratios,
                                        note=ALREADY_UNSET)}
    users = column('users_machine', openblas_kernel(users_environment(environment)),
                   note=MEASURED_APART, **users_measured)
    return {'this_machine': this, 'users_machine': users}


def column(name, kernel, ratios, **kept):
    """One column: its label, OpenBLAS kernel, ratios, each target met or not, and what
    else it keeps (a note, the finer view's own measurements)."""
    return {'label': LABELS[name], 'openblas': kernel, 'ratios': dict(ratios),
            'targets': targets.check(ratios), **kept}


def table(columns):
    """The lines of the closing table: each ratio in both columns, its target, met or not."""
    this, users = columns['this_machine'], columns['users_machine']
    lines = [f'{LABELS[name]}: {describe(columns[name]["openblas"])}' for name in columns]
    lines += [f'  ({users["note"]})'] if 'note' in users else []
    lines.append(f'{"ratio (netlib / PyTorch, or / limit)":50s} {"this":>6s} {"user":>6s} '
                 f'{"target":>8s}  met (this / user)')
    keys = sorted(this['ratios'], key=lambda key: not key.endswith(targets.WHOLE_RUN))
    for key in keys:
        bound = targets.bound(key)
        met = ' / '.join(('met' if checked['targets'][key]['met'] else 'NOT met')
                         for checked in (this, users)) if bound is not None else ''
        lines.append(f'{key:50s} {this["ratios"][key]:6.2f} {users["ratios"][key]:6.2f} '
                     f'{"<= %.2f" % bound if bound is not None else "":>8s}  {met}')
    return lines


def describe(kernel):
    """``OpenBLAS 0.3.23, Haswell kernels (OPENBLAS_CORETYPE=Haswell, OPENBLAS_L2_SIZE unset)``"""
    variables = ', '.join(f'{name}={value}' if value is not None else f'{name} unset'
                          for name, value in kernel['variables'].items())
    return f'OpenBLAS {kernel["version"]}, {kernel["architecture"]} kernels ({variables})'
