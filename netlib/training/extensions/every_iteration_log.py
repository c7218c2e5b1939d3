"""A log of every iteration's values, for a metric over single mini-batches."""

from chainer.training import extensions


def every_iteration():
    """A LogReport of every iteration's values, kept in snapshots and written to no file.

    For a metric over single mini-batches (the mean of the last N losses):
    LogReport's records are means over its interval, and after ``--resume``
    the values from before the kill must be there too.  Pass it in
    ``extra_extensions``; read ``.log``.  (Chainer reads ``filename=None`` as
    'log' and ``log_name=None`` as no file.)
    """
    log = extensions.LogReport(trigger=(1, 'iteration'), log_name=None)
    log.name = 'every_iteration'
    return log
