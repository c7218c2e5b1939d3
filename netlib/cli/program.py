"""The program entry every experiment shares: one-line errors, process-wide settings.

Bad input must give one line on stderr and exit code 2, never a traceback:
argparse's own errors print usage plus a message, so :class:`ArgumentParser`
shortens them, and :func:`run_main` does the same for a :class:`UsageError`
raised later (a missing data file, an unusable device) and for a request
that does not fit in memory.
"""

import argparse
import os
import sys

from netlib.cli.memory import no_huge_page_advice, reuse_freed_memory
from netlib.errors import Diverged, UsageError


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows ``(default: X)`` unless the default is None (then the help says it)."""

    def _get_help_string(self, action):
        if action.default is None:
            return action.help
        return super()._get_help_string(action)


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors, defaults shown in ``--help``, no prefix matching."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault('formatter_class', _HelpFormatter)
        kwargs.setdefault('allow_abbrev', False)
        super().__init__(*args, **kwargs)

    def error(self, message):
        fail(self.prog, f'{message} (see --help)')


def run_main(main, argv=None, prog=None):
    """Call ``main(argv)`` as a program; a user's error becomes one line and its exit code."""
    prog = prog or argparse.ArgumentParser().prog
    reuse_freed_memory()  # process-wide, so made here, once, at program start
    no_huge_page_advice()
    try:
        main(argv)
    except UsageError as error:
        if 'netlib.training.runs' in sys.modules:  # a run folder claimed before the refusal
            sys.modules['netlib.training.runs'].release_unused()
        fail(prog, error, error.exit_code)
    except Diverged as error:
        fail(prog, error, error.exit_code)
    except MemoryError:
        fail(prog, 'not enough memory for this run: try a smaller --batchsize, --unit or '
                   '--units')
    except KeyboardInterrupt:
        print('interrupted', file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`netlib list | head`): stop quietly, as Python's
        # documentation recommends, with stdout pointed at devnull for the exit flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


def fail(prog, message, code=UsageError.exit_code):
    """End the program with one line on stderr (from rank 0 alone in a data-parallel run)."""
    from netlib.scale.parallel import launched_rank
    if launched_rank() == 0:
        print(f'{prog}: error: {message}', file=sys.stderr)
    sys.exit(code)
