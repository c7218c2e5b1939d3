"""Process-wide memory settings every netlib program makes once, at start."""

import ctypes


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
