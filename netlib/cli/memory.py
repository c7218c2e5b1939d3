"""Process-wide memory settings every netlib program makes once, at start, and the check
that refuses a request whose arrays cannot fit before any is allocated."""

import ctypes
import os
import resource

from netlib.errors import UsageError


def refuse_unless_fits(needed, request):
    """A UsageError naming *request* when its *needed* bytes exceed what this process can get:
    the memory the system has available, or less under an address-space limit."""
    room = available_bytes()
    if needed > room:
        raise UsageError(f'{request} needs about {needed / 2**30:,.1f} GiB of memory; '
                         f'{room / 2**30:,.1f} GiB are available')


def weights_bytes(shapes):
    """The float32 weight matrices of *shapes* ``(rows, columns)``, each with its gradient and
    an optimizer's two states."""
    return 16 * sum(rows * columns for rows, columns in shapes)


def available_bytes():
    """The memory available to allocate now: /proc/meminfo's MemAvailable (else all of it),
    at most what the address-space limit leaves."""
    try:
        with open('/proc/meminfo') as meminfo:
            kib = next(int(line.split()[1]) for line in meminfo if line.startswith('MemAvailable'))
        room = kib * 1024
    except (OSError, StopIteration, ValueError):
        room = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES')
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit == resource.RLIM_INFINITY:
        return room
    return max(0, min(room, limit - address_space_in_use()))


def address_space_in_use():
    """The address space this process has mapped, which RLIMIT_AS counts (/proc/self/statm's
    first field; 0 where there is none)."""
    try:
        with open('/proc/self/statm') as statm:
            return int(statm.read().split()[0]) * os.sysconf('SC_PAGE_SIZE')
    except (OSError, ValueError, IndexError):
        return 0


def no_huge_page_advice():
    """Stop NumPy asking the kernel for huge pages for every array of 4 MB or more.

    Where transparent huge pages are in ``madvise`` mode with ``defrag``, each
    such request makes the first touch of the array compact memory for a huge
    page that then is not found.  The arithmetic is the same either way.
    """
    # Filling a fresh 188 MB float32 copy of the MNIST training images: 0.62 s with
    # the advice, 0.09 s without (README, Performance).
    try:
        from numpy._core.multiarray import _set_madvise_hugepage  # NumPy 2
    except ImportError:
        from numpy.core.multiarray import _set_madvise_hugepage
    _set_madvise_hugepage(False)


def reuse_freed_memory():
    """Keep freed memory in the process instead of returning it to the system.

    glibc serves every allocation above 32 MB (the im2col buffer of the Keras
    CNN is 85 MB) with a fresh mmap, and each of its pages faults on first
    touch.  With mmap off and no trimming, a training loop's buffers come back
    from the heap already mapped.  The cost is memory the process keeps until
    it exits.  Only glibc has ``mallopt``; elsewhere this does nothing.
    """
    # Copying into a fresh 85 MB buffer took 125 ms, into a reused one 7 ms.
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_max = -1, -4
    return bool(mallopt(m_mmap_max, 0)) and bool(mallopt(m_trim_threshold, 2 ** 31 - 1))
