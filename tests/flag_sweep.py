"""``python tests/flag_sweep.py NAME``: every numeric flag of experiment NAME at 0, -1, NaN and
a value too large (for memory, or infinite), each through the program entry in this one
process under an address-space limit; prints a JSON list of the outcomes of every case but
the :data:`ALLOWED` ones.

The flags are read off the experiment's own parser.  A case that reaches a training
update was accepted (an optimizer's first update stops it there); one the program ends is
``{"code": ..., "stderr": ..., "left": [files left in its folder]}``.
"""

import contextlib
import importlib
import io
import json
import resource
import sys
import tempfile
from pathlib import Path

MEMORY_LIMIT = 4 * 2 ** 30
HUGE = str(10 ** 15)
INTEGER_CASES = ('0', '-1', 'nan', HUGE)
FLOAT_CASES = ('0', '-1', 'nan', 'inf')
# The cases that are a user's right, not run here: (flag, value) -> why.
ALLOWED = {
    ('--seed', '0'): 'seed 0 is a seed',
    ('--weight-decay', '0'): 'no weight decay',
    **{(flag, HUGE): 'a count of updates: a long run, not a large one; Ctrl-C ends it'
       for flag in ('-e', '--iteration', '--steps')},
    ('-f', HUGE): 'a snapshot interval past the run: a snapshot at its end only',
    **{(flag, HUGE): 'a limit: beyond the data set it takes all of it'
       for flag in ('--train-size', '--test-size')},
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
    """``(flag, cases)`` of every option whose type reads '1' as a number (or numbers)."""
    for action in parser._actions:
        if not action.option_strings or action.type is None or action.choices:
            continue
        try:
            one = action.type('1')
        except Exception:  # a type that needs more than a number (a list of sizes, a name)
            one = None
        values = one if isinstance(one, (tuple, list)) else [one]
        if values and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                          for v in values):
            integer = all(isinstance(v, int) for v in values)
            yield action.option_strings[-1], INTEGER_CASES if integer else FLOAT_CASES


def outcome(module, name, flag, value):
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / 'run'
        errors = io.StringIO()
        result = {'flag': flag, 'value': value}
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
            try:
                program.run_main(module.main, [flag, value, '--out', str(out)],
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
    cases = [(flag, value) for flag, values in numeric_flags(parser_of(module))
             for value in values if (flag, value) not in ALLOWED]
    print(json.dumps([outcome(module, name, flag, value) for flag, value in cases]))


if __name__ == '__main__':
    main(sys.argv[1])
