"""Plots a person can read: title, axis labels, legend, log scale where it helps."""

from netlib.plots.bars import bar_chart, class_histogram, plot_histogram_grid  # noqa: F401
from netlib.plots.curves import (  # noqa: F401
    LogPlot, legend_label, plot_curves, plot_log, plot_panels, smooth_curve)
from netlib.plots.figures import integer_ticks, plt, save_figure, wants_log_scale  # noqa: F401
from netlib.plots.images import confusion_heatmap, image_grid  # noqa: F401
from netlib.plots.strips import plot_paired, plot_strips  # noqa: F401
