"""The program entry every experiment shares: one-line errors, process-wide settings.

Bad input must give one line on stderr and exit code 2, never a traceback:
argparse's own errors print usage plus a message, so :class:`ArgumentParser`
shortens them, and :func:`run_main` does the same for a :class:`UsageError`
raised later (a missing data file, an unusable device) and for a request
that does not fit in memory.  Called from Python instead (:mod:`netlib.api`),
inside :func:`flag_errors_raised`, a bad flag raises that line as a
:class:`UsageError` and the program goes on.
"""

import argparse
import contextlib
import contextvars
import os
import sys

from netlib import kernels
from netlib.cli.memory import no_huge_page_advice, reuse_freed_memory
from netlib.errors import Diverged, UsageError

# What run_main ends in one line (or, for Ctrl-C and a closed pipe, none) and an exit code.
ENDED_IN_ONE_LINE = (UsageError, Diverged, MemoryError, KeyboardInterrupt, BrokenPipeError)
# Whether a parser's error raises (a call from Python) or ends the program (the command).
_FLAG_ERRORS_RAISE = contextvars.ContextVar('flag_errors_raise', default=False)
# The program run_main runs (`netlib run mnist_mlp`): the prog of the parsers made inside,
# so that their usage and errors name it as run_main's own errors do.
_PROGRAM = contextvars.ContextVar('program', default=None)


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows ``(default: X)`` unless the default is None (then the help says it)."""

    def _get_help_string(self, action):
        if action.default is None:
            return action.help
        return super()._get_help_string(action)


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors, defaults shown in ``--help``, no prefix matching."""

    def __init__(self, *args, **kwargs):
        if not args and _PROGRAM.get():
            kwargs.setdefault('prog', _PROGRAM.get())
        kwargs.setdefault('formatter_class', _HelpFormatter)
        kwargs.setdefault('allow_abbrev', False)
        super().__init__(*args, **kwargs)

    def error(self, message):
        if _FLAG_ERRORS_RAISE.get():
            raise UsageError(f'{message} (see --help)')
        fail(self.prog, f'{message} (see --help)')


@contextlib.contextmanager
def flag_errors_raised():
    """Inside the block a bad flag raises :class:`UsageError` instead of ending the program."""
    token = _FLAG_ERRORS_RAISE.set(True)
    try:
        yield
    finally:
        _FLAG_ERRORS_RAISE.reset(token)


def run_main(main, argv=None, prog=None):
    """Call ``main(argv)`` as a program; a user's error becomes one line and its exit code.

    Whatever ends it early but divergence, a run folder it claimed and left
    unused (:func:`netlib.training.runs.release_unused`) is taken back.  The
    kernels *main* chooses (``--kernels``) are put back after it, as in the Python API.
    """
    prog = prog or argparse.ArgumentParser().prog
    reuse_freed_memory()  # process-wide, so made here, once, at program start
    no_huge_page_advice()
    program = _PROGRAM.set(prog)
    try:
        with kernels.using(kernels.chosen()):
            main(argv)
    except BaseException as error:
        if not isinstance(error, Diverged):  # a diverged run keeps its log, for inspection
            _release_unused()
        if not isinstance(error, ENDED_IN_ONE_LINE):
            raise  # an exit of its own, or a bug: its traceback is the report
        _end(prog, error)
    finally:
        _PROGRAM.reset(program)


def _release_unused():
    """Take back the run folders claimed and left unused (none where no run was made)."""
    if 'netlib.training.runs' in sys.modules:  # not imported for a command that runs nothing
        sys.modules['netlib.training.runs'].release_unused()


def _end(prog, error):
    """End the program for *error*, one of :data:`ENDED_IN_ONE_LINE`."""
    if isinstance(error, (UsageError, Diverged)):
        fail(prog, error, error.exit_code)
    if isinstance(error, MemoryError):
        fail(prog, 'not enough memory for this run: try a smaller --batchsize, --unit or '
                   '--units')
    if isinstance(error, KeyboardInterrupt):
        print('interrupted', file=sys.stderr)
        sys.exit(130)
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
