"""Curves a person can read: title, axis labels, legend, log scale where it helps.

A value an axis cannot show (0 on a log axis, inf, nan) is marked on its edge,
not silently left out; every figure is saved by :func:`save_figure`, which
checks it first.
"""

import typing

import numpy as np

from netlib.plots.figures import integer_ticks, plt, save_figure, wants_log_scale

SHORT_RUN = 30  # points up to which each is drawn as a marker too
EDGE_MARKERS = 20  # at most this many markers for the values an axis cannot show


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


def smooth_curve(values, window=20):
    """The mean of the last *window* values at each point (fewer at the start), as long
    as *values*.

    Trailing, so the first point is the first value: the book's ``smooth_curve``
    (a Kaiser window with mirrored ends) pulls the first points of a falling
    loss towards later, lower values.
    """
    sums = np.cumsum(np.r_[0.0, np.asarray(values, dtype=float)])
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(0, ends - window)
    return (sums[ends] - sums[starts]) / (ends - starts)
