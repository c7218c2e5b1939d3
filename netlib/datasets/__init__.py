"""Data sets read from local files, with pinned checksums and an optional download.

One data set or reader per submodule (the README's Layout lists them); the download
helper, :mod:`netlib.datasets.fetch`, is shared with :mod:`netlib.serializers.weights`.
Nothing is imported here, so that loading weights does not pull in Chainer.
"""
