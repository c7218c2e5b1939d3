"""Data sets read from local files, with pinned checksums and an optional download.

Submodules: :mod:`netlib.datasets.mnist` (the MNIST digits) and
:mod:`netlib.datasets.fetch` (the small download helper shared with
:mod:`netlib.serializers.weights`). Nothing is imported here, so that loading weights does not
pull in Chainer.
"""
