"""Plots a person can read: title, axis labels, legend, log scale where it helps.

Every figure is saved by :func:`save_figure`, which first checks it
(:func:`check_figure`): a figure without a title, an axis label or a needed
legend, or with a curve outside its axes, is an error, not a file.
"""

import time
import typing

import matplotlib
import numpy as np

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the headless backend)
from matplotlib.ticker import MaxNLocator, NullLocator  # noqa: E402

from chainer import training  # noqa: E402

from netlib.files import atomic_path  # noqa: E402
from netlib.plots.figure_check import check_figure  # noqa: E402

# Above this ratio between the largest and smallest value a linear axis hides
# everything but the first few points.
LOG_SCALE_SPAN = 100.0
SHORT_RUN = 30  # points up to which each is drawn as a marker too
EDGE_MARKERS = 20  # at most this many markers for the values an axis cannot show


def wants_log_scale(values):
    """True when the positive values span decades (a loss falling towards 0)."""
    positive = [v for v in values if v > 0]
    return len(positive) > 1 and max(positive) / min(positive) > LOG_SCALE_SPAN


def save_figure(figure, path):
    """Check *figure* (:func:`check_figure`), save it as PNG through a temporary file,
    close it."""
    try:
        check_figure(figure, path)
        with atomic_path(path) as tmp:
            figure.savefig(tmp, format='png', dpi=100, bbox_inches='tight')
    finally:
        plt.close(figure)


def integer_ticks(axis):
    """Ticks at whole numbers only (epochs, iterations).

    ``min_n_ticks=1``: matplotlib's default asks for two whole numbers in view
    and otherwise falls back to 0.945, 0.96, ... around a one-epoch run's point.
    """
    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


def _whole_numbers(values):
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return len(values) > 0 and bool(np.all(values == np.round(values)))


def draw_series(axes, xs, ys, label, log_scale, **style):
    """Plot ``(xs, ys)`` as *label*, leaving out the values the y axis cannot show
    (0 or below on a log axis, inf, nan); returns ``(legend text, xs, colour,
    at_bottom)`` for each kind left out, which :func:`mark_undrawable` marks once
    the axis limits are known."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    kinds = {'= 0 exactly, below this log axis': (log_scale & (ys == 0), True),
             '< 0, below this log axis': (log_scale & (ys < 0), True),
             'not finite (inf or nan)': (~np.isfinite(ys), False)}
    hidden = np.logical_or.reduce([where for where, _ in kinds.values()])
    if not hidden.all():
        # A gap, not a line across the values left out.
        line, = axes.plot(xs, np.where(hidden, np.nan, ys), label=label, **style)
        color = line.get_color()
    else:  # nothing to draw: take the colour the line would have had (no public way)
        color = axes._get_lines.get_next_color()
    return [(f'{label} {kind}', xs[where], color, at_bottom)
            for kind, (where, at_bottom) in kinds.items() if where.any()]


def mark_undrawable(axes, undrawable):
    """A marker on the axis edge for each value :func:`draw_series` left out: at the
    bottom for 0 and below, at the top for inf and nan."""
    if not undrawable:
        return
    bottom, top = axes.get_ylim()
    for label, xs, color, at_bottom in undrawable:
        axes.plot(xs, np.full(len(xs), bottom if at_bottom else top), linestyle='none',
                  marker='v' if at_bottom else '^', color=color, clip_on=False,
                  markevery=max(1, len(xs) // EDGE_MARKERS),
                  label=label)
    axes.set_ylim(bottom, top)  # the markers sit on the edge: keep it where it was


def plot_curves(path, curves, title, xlabel, ylabel, log_scale=None, lines=None):
    """One line per ``label -> (xs, ys)`` in *curves*; log y when it spans decades;
    a dashed horizontal line per ``label -> y`` in *lines* (a ceiling, a chance level).

    A value the axis cannot show (a loss of exactly 0 on the log axis, inf or
    nan) is marked on the axis edge, with a legend entry saying so, instead of
    the curve silently ending.
    """
    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    all_values = [y for _, ys in curves.values() for y in ys] + list((lines or {}).values())
    if log_scale is None:
        log_scale = wants_log_scale(all_values)
    if log_scale:
        axes.set_yscale('log')
    undrawable = []
    for label, (xs, ys) in curves.items():
        # A run of a few epochs is a few points: show them, not only the lines.
        undrawable += draw_series(axes, xs, ys, label, log_scale,
                                  marker='o' if len(xs) <= SHORT_RUN else None)
    for (label, y), style in zip((lines or {}).items(), ('--', ':', '-.')):
        axes.axhline(y, color='grey', linestyle=style, label=label)
    mark_undrawable(axes, undrawable)
    if _whole_numbers([x for xs, _ in curves.values() for x in xs]):
        integer_ticks(axes.xaxis)
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel + (' (log scale)' if log_scale else ''))
    axes.grid(True, alpha=0.3)
    if lines:  # below the axes: horizontal lines leave no corner free
        axes.legend(loc='upper center', bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize=9)
    else:
        axes.legend()
    save_figure(figure, path)


# Legend text for the keys Chainer's reporters write.
KEY_LABELS = {
    'main/loss': 'train loss',
    'validation/main/loss': 'test loss',
    'main/accuracy': 'train accuracy',
    'validation/main/accuracy': 'test accuracy',
}
# The y label of a loss plot, by the name of the model's loss function.
LOSS_NAMES = {'softmax_cross_entropy': 'softmax cross-entropy',
              'mean_squared_error': 'mean squared error'}


def legend_label(key, labels=None):
    """Readable legend text for a reported *key*: *labels*' text for the key or its
    observer (``{'he': 'He init'}``), else ``train loss`` for ``main/loss`` and the
    like, else the observer's name (``relu`` for ``relu/loss``)."""
    labels = labels or {}
    observer, _, name = key.rpartition('/')
    if key in labels or observer in labels:
        return labels.get(key) or labels[observer]
    if key in KEY_LABELS:
        return KEY_LABELS[key]
    return observer if observer and name in ('loss', 'accuracy') else key.replace('_', ' ')


def plot_log(path, log, keys, title, ylabel, x_key='epoch', labels=None):
    """Curves of *keys* (e.g. ``main/loss``) from a LogReport-shaped *log*; *labels*
    as in :func:`legend_label`."""
    curves = {}
    for key in keys:
        records = [record for record in log if key in record]
        curves[legend_label(key, labels)] = ([r[x_key] for r in records],
                                             [r[key] for r in records])
    plot_curves(path, curves, title, x_key, ylabel)


class LogPlot(typing.NamedTuple):
    """``plot=`` of ``run.fit`` and ``run.manager`` when a title is not all it needs.

    *labels* as in :func:`legend_label` (e.g. a note that training numbers
    are measured with dropout on); *loss* names the loss for the y axis where
    the model has no ``lossfun`` to name it (a hand-written loop).
    """

    title: str
    labels: dict = None
    loss: str = None


REDRAW_SECONDS = 10  # a long run's plots stay at most this far behind its log


class PlotLog(training.Extension):
    """``loss.png`` (and ``accuracy.png``) from the LogReport, redrawn at a record when
    :data:`REDRAW_SECONDS` have passed since the start or the last drawing, and at the end.

    A drawing takes ~0.1 s: at every record, char_lm's 150-update run drew ten
    times, 1.1 s of its 6 s.  Used instead of ``PlotReport``, which writes its PNG in place (a kill
    mid-write leaves a broken file) and draws no title or axis label.  Every
    reported key ending in ``loss`` goes in one plot, ``accuracy`` in the other.
    *plot* is a title or a :class:`LogPlot`.
    """

    priority = training.PRIORITY_READER

    def __init__(self, plot, x_key='epoch'):
        self.plot = plot if isinstance(plot, LogPlot) else LogPlot(plot)
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
            plot_log(f'{trainer.out}/{quantity}.png', log, keys, x_key=self.x_key,
                     title=f'{self.plot.title}: {what}', ylabel=ylabel,
                     labels=self.plot.labels)


def _loss_name(trainer):
    """``softmax cross-entropy`` when every trained model says so by its lossfun."""
    functions = {getattr(getattr(optimizer.target, 'lossfun', None), '__name__', None)
                 for optimizer in trainer.updater.get_all_optimizers().values()}
    name = functions.pop() if len(functions) == 1 else None
    return LOSS_NAMES.get(name, 'loss')


def plot_panels(path, panels, title, xlabel, ylabel, columns=None, log_scale=False,
                ylim=None, sharey=True):
    """Small multiples: one axes per ``panel title -> {label: (xs, ys)}`` in *panels*.

    The panels share the x axis and, unless *sharey* is False, the y axis, so
    their curves compare at a glance; the legend is drawn once, below, since
    every panel has the same labels.  Values a log axis cannot show are
    marked on its edge, as in :func:`plot_curves`.
    """
    columns = columns or len(panels)
    rows = -(-len(panels) // columns)
    figure, grid = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.6 * rows + 0.6),
                                sharex=True, sharey=sharey, squeeze=False)
    legend = {}  # label -> handle, over all panels
    for axes, (panel_title, curves) in zip(grid.flat, panels.items()):
        # (a dead net's all-zero curve alone gets no log axis: it has nothing to show there)
        panel_log = log_scale and any(y > 0 for _, ys in curves.values() for y in ys
                                      if y is not None)
        if panel_log:
            axes.set_yscale('log')
        undrawable = []
        for label, (xs, ys) in curves.items():
            undrawable += draw_series(axes, xs, ys, label, panel_log, markersize=3,
                                      marker='o' if len(xs) <= SHORT_RUN else None)
        if ylim:
            axes.set_ylim(*ylim)
        mark_undrawable(axes, undrawable)
        if _whole_numbers([x for xs, _ in curves.values() for x in xs]):
            integer_ticks(axes.xaxis)
        axes.set_title(panel_title, fontsize=10)
        axes.grid(True, alpha=0.3)
        for handle, label in zip(*axes.get_legend_handles_labels()):
            legend.setdefault(label, handle)
    for number, axes in enumerate(grid.flat):
        if number >= len(panels):
            axes.set_visible(False)
        elif number + columns >= len(panels):  # the lowest panel of its column
            axes.set_xlabel(xlabel)
            axes.xaxis.set_tick_params(labelbottom=True)
        if number < len(panels) and (number % columns == 0 or not sharey):
            axes.set_ylabel(ylabel + (' (log scale)' if log_scale else ''))
    figure.legend(legend.values(), legend.keys(), loc='lower center',
                  ncol=min(len(legend), 4),
                  bbox_to_anchor=(0.5, -0.04 if rows > 1 else -0.1))
    figure.suptitle(title)
    figure.tight_layout()
    save_figure(figure, path)


def plot_histogram_grid(path, rows, title, xlabel, column_label, bins=30, value_range=None):
    """Small multiples of histograms: one row per ``row title -> [values, ...]`` in
    *rows*, one column per entry (``column_label 1``, ``2``, ...).

    Each row shares its y axis, so its counts compare along the row.
    """
    columns = max(len(histograms) for histograms in rows.values())
    figure, grid = plt.subplots(len(rows), columns, figsize=(2.2 * columns, 2 * len(rows)),
                                sharex=True, sharey='row', squeeze=False)
    for axes_row, (row_title, histograms) in zip(grid, rows.items()):
        for number, (axes, values) in enumerate(zip(axes_row, histograms), start=1):
            axes.hist(values, bins=bins, range=value_range, color='tab:blue')
            axes.set_title(f'{row_title}\n{column_label} {number}', fontsize=8)
            axes.tick_params(labelsize=7)
        axes_row[0].set_ylabel('count')
    for axes in grid[-1]:
        axes.set_xlabel(xlabel)
    figure.suptitle(title)
    figure.tight_layout()
    save_figure(figure, path)


def smooth_curve(values, window=20):
    """The mean of the last *window* values at each point (fewer at the start), as long
    as *values*.

    Trailing, so the first point is the first value: the book's ``smooth_curve``
    (a Kaiser window with mirrored ends) pulls the first points of a falling
    loss towards later, lower values (2.47 where the untrained net has 2.62).
    """
    sums = np.cumsum(np.r_[0.0, np.asarray(values, dtype=float)])
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(0, ends - window)
    return (sums[ends] - sums[starts]) / (ends - starts)


def image_grid(path, images, title, columns, titles=None, row_labels=None, cmap='gray'):
    """Small images in rows of *columns*, on one 0..1 scale (values outside are clipped).

    A 1-D image is a flattened square one (MNIST's 784 pixels); *titles* go
    above the images, *row_labels* left of each row; cells left over stay blank.
    The images are one mosaic in one axes: 32 axes of their own took 0.45 s to
    lay out and save (a third of mnist_inference's run), the mosaic 0.1 s.
    """
    images = [np.clip(np.reshape(image, (int(np.sqrt(np.size(image))), -1))
                      if np.ndim(image) == 1 else image, 0, 1) for image in images]
    rows, (height, width) = max(1, -(-len(images) // columns)), images[0].shape
    column_inches = 1.5 if titles else 1.1
    gap = max(1, width // 7)
    pixels_per_inch = (columns * (width + gap) + gap) / (column_inches * columns)
    lines = max(title.count('\n') + 1 for title in titles) if titles else 0
    title_rows = int(np.ceil(lines * 9 * 1.4 / 72 * pixels_per_inch))  # 9-point lines
    cell = (height + gap + title_rows, width + gap)
    mosaic = np.full((rows * cell[0] + gap, columns * cell[1] + gap), np.nan)
    figure, axes = plt.subplots(figsize=(column_inches * columns,  # + the suptitle's line
                                         len(mosaic) / pixels_per_inch + 0.5))
    for number, image in enumerate(images):
        top = number // columns * cell[0] + gap + title_rows
        left = number % columns * cell[1] + gap
        mosaic[top:top + height, left:left + width] = image
        if titles:
            axes.text(left + width / 2, top - 1, titles[number], ha='center', va='bottom',
                      fontsize=9)
    for row, label in enumerate(row_labels or ()):
        axes.text(-gap, row * cell[0] + gap + title_rows + height / 2, label, ha='right',
                  va='center')
    axes.imshow(mosaic, cmap=plt.get_cmap(cmap).with_extremes(bad='white'), vmin=0, vmax=1,
                interpolation='nearest')
    axes.set(xticks=[], yticks=[])
    axes.spines[:].set_visible(False)
    figure.suptitle(title)
    figure.tight_layout()
    save_figure(figure, path)


def plot_bands(path, panels, title, xlabel, ylabel):
    """Panels side by side, each ``title -> {label: (xs, values per x)}``: the mean over
    each x's values as a line, their lowest to highest as a band; log x axis."""
    figure, grid = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.2),
                                sharey=True, squeeze=False)
    for axes, (panel_title, curves) in zip(grid.flat, panels.items()):
        for label, (xs, values) in curves.items():
            line, = axes.plot(xs, [np.mean(v) for v in values], 'o-', label=label)
            axes.fill_between(xs, [min(v) for v in values], [max(v) for v in values],
                              color=line.get_color(), alpha=0.2)
        axes.set(xscale='log', title=panel_title, xlabel=xlabel)
        ticks = sorted({x for xs, _ in curves.values() for x in xs})
        axes.set_xticks(ticks, [f'{x:g}' for x in ticks])  # 1, 10, 100 rather than 10^k
        axes.xaxis.set_minor_locator(NullLocator())
        axes.grid(True, alpha=0.3)
        axes.legend(loc='lower right')
    grid[0, 0].set_ylabel(ylabel)
    figure.suptitle(title)
    figure.tight_layout()
    save_figure(figure, path)


def class_histogram(path, heights, xlabel, ylabel, title):
    """One bar per class (0, 1, ...), with the height each would have if all were equal."""
    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    axes.bar(range(len(heights)), heights)
    axes.axhline(np.mean(heights), color='grey', linestyle='--', label='all classes equal')
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel, xticks=range(len(heights)),
             ylim=(0, 1.2 * max(heights)))  # room for the legend above the bars
    axes.legend(loc='upper right')
    save_figure(figure, path)


def confusion_heatmap(path, counts, names, title, count_label='count'):
    """A confusion matrix (rows: true class) as a heat map with the counts written in."""
    extra = 0.6 * max(0, len(names) - 2)  # inches for classes beyond two
    figure, axes = plt.subplots(figsize=(4.8 + extra, 4.2 + extra))
    image = axes.imshow(counts, cmap='Blues')
    for (row, column), count in np.ndenumerate(counts):
        axes.text(column, row, f'{count}', ha='center', va='center',
                  color='white' if count > counts.max() / 2 else 'black')
    axes.set_xticks(range(len(names)), names)
    axes.set_yticks(range(len(names)), names)
    axes.set_xlabel('predicted class')
    axes.set_ylabel('true class')
    axes.set_title(title)
    figure.colorbar(image, ax=axes, label=count_label)
    save_figure(figure, path)


def bar_chart(path, bars, title, xlabel, ylabel):
    """Horizontal bars ``{label: value}``, top to bottom, each value written at its end."""
    figure, axes = plt.subplots(figsize=(6.4, 0.5 * len(bars) + 1.4))
    labels, values = list(bars), list(bars.values())
    positions = np.arange(len(bars))[::-1]
    axes.barh(positions, values, color=[f'C{i}' for i in range(len(bars))])
    for position, value in zip(positions, values):
        axes.text(value, position, f' {value:.3g}', va='center')
    axes.set_yticks(positions, labels)
    axes.set_xlim(0, 1.15 * max(values))  # room for the numbers
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.grid(True, axis='x', alpha=0.3)
    save_figure(figure, path)
