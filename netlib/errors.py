"""Errors a user can cause and fix: bad flags, missing or corrupt files, divergence.

The command-line entry point (:func:`netlib.cli.run_main`) turns a
:class:`UsageError` into one line on stderr and exit code 2, and
:class:`Diverged` into one line and exit code 3, never a traceback.
From Python (:func:`netlib.run`, :func:`netlib.train`) they are raised, with
that line as their message: ``except netlib.NetlibError`` catches both.
"""


class NetlibError(Exception):
    """What netlib raises for a run that cannot go on: the base of every error here."""


class UsageError(NetlibError):
    """Bad input from the user: a flag, a path, a data file."""

    exit_code = 2


class DataError(UsageError):
    """A data or weight file that is missing, corrupt or of the wrong shape."""


class Diverged(NetlibError):
    """Training diverged: a NaN, infinite or exploded (> 1e10) loss, or a non-finite parameter."""

    exit_code = 3
