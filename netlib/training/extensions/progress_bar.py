"""Chainer's progress bar, drawn on the stream it was chosen for.

Chainer 7.8.1's ``ProgressBar`` draws on ``sys.stdout`` whatever its ``out``
says, so a bar chosen because stderr is a terminal wrote its escape codes into
a file that stdout was redirected to.  Its first drawing, with one timing to go
by, showed ``inf iters/sec``.
"""

from chainer.training import extensions
from chainer.training.extensions.progress_bar import _TrainerProgressBar


class ProgressBar(extensions.ProgressBar):
    """Chainer's bar on *out*, every *update_interval* iterations, its speed measured from
    the start of training."""

    def __init__(self, out, update_interval):
        super().__init__(update_interval=update_interval, out=out)
        self._pbar = _TrainerProgressBar(out=out)

    def initialize(self, trainer):
        # The start (after a resume, where it resumed) is the first timing.
        self._pbar.update_speed(trainer.updater.iteration, trainer.updater.epoch_detail)
