"""Plots of each draw or seed as a point: the spread a claim is about, not just its mean."""

import numpy as np
from matplotlib.ticker import NullLocator

from netlib.plots.figures import plt, save_figure


def plot_paired(path, panels, title, xlabel, ylabel, zero_label):
    """Panels side by side, each ``title -> {label: (xs, differences per x)}``: every paired
    difference a point, their mean a bar (the bars joined by a line), 0 (no difference) a
    dashed line; log x axis."""
    figure, grid = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.2),
                                sharey=True, squeeze=False)
    for axes, (panel_title, series) in zip(grid.flat, panels.items()):
        axes.axhline(0, color='black', linestyle='--', linewidth=1, label=zero_label)
        for offset, (label, (xs, differences)) in enumerate(series.items()):
            shift = 1.06 ** (offset - (len(series) - 1) / 2)  # side by side on the log axis
            # the mean a bar at each x, joined: one x (a single N) is a bar, not an empty line
            line, = axes.plot([x * shift for x in xs], [np.mean(d) for d in differences], '-',
                              marker='_', markersize=14, markeredgewidth=2,
                              label=f'{label}: mean')
            points = [(x * shift, value) for x, values in zip(xs, differences) for value in values]
            axes.plot(*zip(*points), 'o', color=line.get_color(), alpha=0.6, markersize=4,
                      label=f'{label}: each draw')
        ticks = sorted({x for xs, _ in series.values() for x in xs})
        # a factor 1.5 beyond the outer xs: a lone x sits in the middle, not at both edges
        axes.set(xscale='log', title=panel_title, xlabel=xlabel,
                 xlim=(min(ticks) / 1.5, max(ticks) * 1.5))
        axes.set_xticks(ticks, [f'{x:g}' for x in ticks])  # 1, 10, 100 rather than 10^k
        axes.xaxis.set_minor_locator(NullLocator())
        axes.grid(True, alpha=0.3)
        axes.legend(loc='best', fontsize='small')
    grid[0, 0].set_ylabel(ylabel)
    figure.suptitle(title)
    figure.tight_layout()
    save_figure(figure, path)


def plot_strips(path, panels, title, ylabel, bands):
    """Panels side by side, each ``title -> {group: values}``: every value a point over its
    group, the group's mean a bar; *bands* ``title -> (low, high, label)`` shaded, so that a
    difference inside it reads as one."""
    figure, grid = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.8),
                                squeeze=False)
    for axes, (panel_title, groups) in zip(grid.flat, panels.items()):
        low, high, band_label = bands[panel_title]
        axes.axhspan(low, high, color='tab:green', alpha=0.15, label=band_label)
        for position, (group, values) in enumerate(groups.items()):
            spread = np.linspace(-0.12, 0.12, len(values)) if len(values) > 1 else [0]
            points, = axes.plot(position + np.asarray(spread), values, 'o', alpha=0.7,
                                label=f'{group}: each seed')
            axes.plot([position - 0.25, position + 0.25], [np.mean(values)] * 2, linewidth=2,
                      color=points.get_color(), label=f'{group}: mean')
        axes.set_xticks(range(len(groups)), list(groups))
        axes.set_xlim(-0.6, len(groups) - 0.4)
        axes.set(title=panel_title, xlabel='library', ylabel=ylabel)
        axes.grid(True, axis='y', alpha=0.3)
    handles, labels = grid[0, 0].get_legend_handles_labels()
    figure.legend(handles, labels, loc='lower center', ncol=3, bbox_to_anchor=(0.5, -0.14))
    figure.suptitle(title)
    figure.tight_layout()
    save_figure(figure, path)
