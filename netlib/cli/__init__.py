"""The command line: the program entry, the flag vocabulary, the ``netlib`` command."""

from netlib.cli.program import ArgumentParser, fail, run_main

__all__ = ['ArgumentParser', 'fail', 'run_main']
