"""Process-wide memory settings every netlib program makes once, at start."""

import ctypes


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
