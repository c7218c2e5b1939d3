"""Plots a person can read: title, axis labels, legend, log scale where it helps."""

from netlib.plots.curves import (  # noqa: F401
    LogPlot, PlotLog, bar_chart, class_histogram, confusion_heatmap, image_grid,
    integer_ticks, legend_label, plot_bands, plot_curves, plot_histogram_grid, plot_log,
    plot_panels, plt, save_figure, smooth_curve, wants_log_scale)
