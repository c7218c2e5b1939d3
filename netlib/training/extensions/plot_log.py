"""The loss and accuracy plots of a run, redrawn from its LogReport as it trains."""

import time

from chainer import training

from netlib import plots

# A long run's plots stay at most this far behind its log.  A drawing takes
# about 0.1 s: drawn at every record, char_lm's 150-update run spent 1.1 s of its 6 s on them.
REDRAW_SECONDS = 10


class PlotLog(training.Extension):
    """``loss.png`` (and ``accuracy.png``) from the LogReport, redrawn at a record when
    :data:`REDRAW_SECONDS` have passed since the start or the last drawing, and at the end.

    Used instead of ``PlotReport``, which writes its PNG in place (a kill
    mid-write leaves a broken file) and draws no title or axis label.  Every
    reported key ending in ``loss`` goes in one plot, ``accuracy`` in the other.
    *plot* is a title or a :class:`netlib.plots.LogPlot`.
    """

    priority = training.PRIORITY_READER

    def __init__(self, plot, x_key='epoch'):
        self.plot = plot if isinstance(plot, plots.LogPlot) else plots.LogPlot(plot)
        self.x_key = x_key
        self.trainer, self.drawn, self.next_drawing = None, 0, 0.0

    def initialize(self, trainer):
        self.trainer = trainer
        self.next_drawing = time.monotonic() + REDRAW_SECONDS  # a short run draws once

    def finalize(self):
        """Draw the records that came after the last drawing (a run ends between triggers)."""
        if self.trainer and len(self.trainer.get_extension('LogReport').log) > self.drawn:
            self.draw(self.trainer)

    def __call__(self, trainer):
        if time.monotonic() >= self.next_drawing:
            self.draw(trainer)
            self.next_drawing = time.monotonic() + REDRAW_SECONDS

    def draw(self, trainer):
        log = trainer.get_extension('LogReport').log
        self.drawn = len(log)
        for quantity in ('loss', 'accuracy'):
            keys = sorted({key for record in log for key in record if key.endswith(quantity)})
            if not keys:
                continue
            # Without a test set every curve is a training curve: the title says so once.
            what = quantity if any('validation/' in key for key in keys) \
                else f'training {quantity}'
            ylabel = (self.plot.loss or _loss_name(trainer) if quantity == 'loss'
                      else 'accuracy (fraction correct)')
            plots.plot_log(f'{trainer.out}/{quantity}.png', log, keys, x_key=self.x_key,
                     title=f'{self.plot.title}: {what}', ylabel=ylabel,
                     labels=self.plot.labels)


def _loss_name(trainer):
    """``softmax cross-entropy`` when every trained model says so by its lossfun."""
    functions = {getattr(getattr(optimizer.target, 'lossfun', None), '__name__', None)
                 for optimizer in trainer.updater.get_all_optimizers().values()}
    name = functions.pop() if len(functions) == 1 else None
    return plots.LOSS_NAMES.get(name, 'loss')
