"""``python tests/flag_sweep.py NAME``: every numeric flag of experiment NAME at 0, -1, NaN and
a value too large (for memory, or infinite), each through the program entry in this one
process under an address-space limit; prints a JSON list of the outcomes of every case but
the :data:`ALLOWED` ones.

The flags are read off the experiment's own parser (a list of numbers gets each case as its
last).  Each case runs in an empty folder made the cwd.  A case that reaches a training
update was accepted (an optimizer's first update stops it there); one the program ends is
``{"code": ..., "stderr": ..., "left": [files left in that folder], "names": [the flag's
long option strings]}``.
"""

import contextlib
import importlib
import io
import json
import os
import resource
import sys
import tempfile
from pathlib import Path

MEMORY_LIMIT = 4 * 2 ** 30
HUGE = str(10 ** 15)
INTEGER_CASES = ('0', '-1', 'nan', HUGE)
FLOAT_CASES = ('0', '-1', 'nan', 'inf')
# The cases that are a user's right, not run here: (flag, case) -> why.
ALLOWED = {
    ('--seed', '0'): 'seed 0 is a seed',
    ('--weight-decay', '0'): 'no weight decay',
    **{(flag, HUGE): 'a count of updates: a long run, not a large one; Ctrl-C ends it'
       for flag in ('-e', '--iteration', '--steps')},
    ('-f', HUGE): 'a snapshot interval past the run: a snapshot at its end only',
    **{(flag, HUGE): 'a limit: beyond the data set it takes all of it'
       for flag in ('--train-size', '--test-size')},
    ('--per-class', HUGE): "transfer_learning: an N past a target's smallest class is skipped "
                           "for that target, as the default's 100 is for sklearn's digits",
    ('--stride', HUGE): "byte_cnn: a stride past the window reads the window's first "
                        'position only',
}

resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

import netlib.compat  # noqa: E402,F401  (chainer on this NumPy)
import chainer  # noqa: E402
from netlib.cli import flags, program  # noqa: E402


class ReachedTraining(BaseException):
    """Raised by the first optimizer update: the case got past every check."""


def _stop_at_first_update(*args, **kwargs):
    raise ReachedTraining()


def parser_of(module):
    """The experiment's argument parser, kept as ``main(['--help'])`` makes it."""
    made, make_parser = [], flags.make_parser
    flags.make_parser = lambda *args, **kwargs: made.append(make_parser(*args, **kwargs)) \
        or made[-1]
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            module.main(['--help'])
    finally:
        flags.make_parser = make_parser
    return made[-1]


def numeric_flags(parser):
    """``(options, [(case, value)...])`` of every option whose type reads a number, or a list
    of numbers (where the value is its default with the case in place of the last), out of
    its default, '1' or '0.5'."""
    for action in parser._actions:
        if not action.option_strings or action.type is None or action.choices:
            continue
        numbers = _numbers_read(action)
        if numbers:
            cases = INTEGER_CASES if all(isinstance(v, int) for v in numbers) else FLOAT_CASES
            yield action.option_strings, [(case, ','.join(map(str, [*numbers[:-1], case])))
                                          for case in cases]


def _numbers_read(action):
    """The numbers *action*'s type reads from the first of its probes it takes, else None."""
    default = action.default
    probes = ['1', '0.5']
    if isinstance(default, (tuple, list)):
        probes.insert(0, ','.join(map(str, default)))
    elif default is not None:
        probes.insert(0, str(default))
    for probe in probes:
        try:
            read = action.type(probe)
        except Exception:  # not a number (a list of sizes, a name) or not this one
            continue
        numbers = list(read) if isinstance(read, (tuple, list)) else [read]
        if numbers and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                           for v in numbers):
            return numbers
    return None


@contextlib.contextmanager
def working_in(folder):
    """*folder* the cwd inside the block (contextlib.chdir is Python 3.11's)."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def outcome(module, name, options, value):
    """What the program did with ``OPTION VALUE``, run in an empty folder made the cwd."""
    flag = options[-1]
    with tempfile.TemporaryDirectory() as folder, working_in(folder):
        errors = io.StringIO()
        result = {'flag': flag, 'value': value, 'names': [o for o in options if o[:2] == '--']}
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
            try:
                program.run_main(module.main, [flag, value, '--out', 'run'],
                                 prog=f'netlib run {name}')
                result['code'] = 0
            except SystemExit as ended:
                result['code'] = ended.code
            except ReachedTraining:
                result['accepted'] = True
            except Exception as error:  # run_main re-raises only bugs: the finding itself
                result['crash'] = f'{type(error).__name__}: {error}'
        result['stderr'] = errors.getvalue()
        result['left'] = sorted(str(path.relative_to(folder)) for path in Path(folder).rglob('*'))
    return result


def main(name):
    chainer.optimizer.GradientMethod.update = _stop_at_first_update
    module = importlib.import_module(f'experiments.{name}')
    cases = [(options, value) for options, values in numeric_flags(parser_of(module))
             for case, value in values if (options[-1], case) not in ALLOWED]
    print(json.dumps([outcome(module, name, options, value) for options, value in cases]))


if __name__ == '__main__':
    main(sys.argv[1])
