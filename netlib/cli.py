"""Command-line conventions shared by every experiment script.

Bad input must give one line on stderr and exit code 2, never a traceback:
argparse's own errors print usage plus a message, so :class:`ArgumentParser`
shortens them, and :func:`run_main` does the same for a :class:`UsageError`
raised later (a missing data file, an unusable device).
"""

import argparse
import math
import sys

from netlib.errors import Diverged, UsageError


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows ``(default: X)`` unless the default is None (then the help says it)."""

    def _get_help_string(self, action):
        if action.default is None:
            return action.help
        return super()._get_help_string(action)


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors and defaults shown in ``--help``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault('formatter_class', _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.exit(2, f'{self.prog}: error: {message} (see --help)\n')


def positive_int(text):
    value = _number(text, int, 'an integer')
    if value <= 0:
        raise argparse.ArgumentTypeError(f'must be a positive integer, got {text!r}')
    return value


def positive_float(text):
    value = _number(text, float, 'a number')
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f'must be a positive finite number, got {text!r}')
    return value


def nonnegative_float(text):
    value = _number(text, float, 'a number')
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f'must be a finite number >= 0, got {text!r}')
    return value


def seed_value(text):
    """A seed NumPy accepts: an integer from 0 to 2**32 - 1."""
    value = _number(text, int, 'an integer')
    if not 0 <= value < 2 ** 32:
        raise argparse.ArgumentTypeError(f'must be between 0 and 2**32 - 1, got {text!r}')
    return value


def _number(text, kind, what):
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'must be {what}, got {text!r}') from None


def add_run_arguments(parser, out_default, seed_default=0):
    """``--device``, ``--out`` and ``--seed`` (unless *seed_default* is None)."""
    parser.add_argument('--device', '-d', default='-1',
                        help='-1 or @numpy for the CPU; 0 or @cupy:0 for the first GPU')
    parser.add_argument('--out', '-o', default=out_default,
                        help='run folder; an earlier, non-empty one is never overwritten '
                             '(a numbered sibling is made instead)')
    if seed_default is not None:
        parser.add_argument('--seed', type=seed_value, default=seed_default,
                            help='seed of every random stream (same seed, same numbers on CPU)')


def run_main(main, argv=None):
    """Call ``main(argv)``; turn a UsageError or Diverged into one line and its exit code."""
    try:
        main(argv)
    except (UsageError, Diverged) as error:
        prog = argparse.ArgumentParser().prog
        print(f'{prog}: error: {error}', file=sys.stderr)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        print('interrupted', file=sys.stderr)
        sys.exit(130)
