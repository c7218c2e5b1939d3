"""The program entry every experiment shares: one-line errors, process-wide settings.

Bad input must give one line on stderr and exit code 2, never a traceback:
argparse's own errors print usage plus a message, so :class:`ArgumentParser`
shortens them, and :func:`run_main` does the same for a :class:`UsageError`
raised later (a missing data file, an unusable device) and for a request
that does not fit in memory.
"""

import argparse
import ctypes
import os
import sys

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
        if 'netlib.runs' in sys.modules:  # a run folder claimed before the refusal
            sys.modules['netlib.runs'].release_unused()
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
    from netlib.parallel import launched_rank
    if launched_rank() == 0:
        print(f'{prog}: error: {message}', file=sys.stderr)
    sys.exit(code)


def no_huge_page_advice():
    """Stop NumPy asking the kernel for huge pages for every array of 4 MB or more.

    On these machines (transparent huge pages in ``madvise`` mode, ``defrag``
    too) each such request makes the first touch of the array compact memory
    for a huge page that then is not found: filling a fresh 188 MB float32
    copy of the MNIST training images took 0.62 s with the advice, 0.09 s
    without, and one mnist_mlp epoch spent up to 5.4 s in the kernel with it.
    The arithmetic is the same either way.
    """
    try:
        from numpy._core.multiarray import _set_madvise_hugepage  # NumPy 2
    except ImportError:
        from numpy.core.multiarray import _set_madvise_hugepage
    _set_madvise_hugepage(False)


def reuse_freed_memory():
    """Keep freed memory in the process instead of returning it to the system.

    glibc serves every allocation above 32 MB (the im2col buffer of the Keras
    CNN is 85 MB) with a fresh mmap, and each of its pages faults on first
    touch: copying into a fresh 85 MB buffer took 125 ms where a reused one
    took 7 ms.  With mmap off and no trimming, a training loop's buffers come
    back from the heap already mapped: one Keras-CNN iteration went from
    616 ms to 463 ms with Chainer's own convolution (2 cores, measured under
    load).  The cost is memory the process keeps until it exits.  Only glibc
    has ``mallopt``; elsewhere this does nothing.
    """
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_max = -1, -4
    return bool(mallopt(m_mmap_max, 0)) and bool(mallopt(m_trim_threshold, 2 ** 31 - 1))
