"""Counts drawn as bars: histogram grids, one bar per class, labelled horizontal bars."""

import numpy as np

from netlib.plots.figures import plt, save_figure


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


def class_histogram(path, heights, xlabel, ylabel, title):
    """One bar per class (0, 1, ...), with the height each would have if all were equal."""
    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    axes.bar(range(len(heights)), heights)
    axes.axhline(np.mean(heights), color='grey', linestyle='--', label='all classes equal')
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel, xticks=range(len(heights)),
             ylim=(0, 1.2 * max(heights)))  # room for the legend above the bars
    axes.legend(loc='upper right')
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
