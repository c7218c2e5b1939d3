"""The check every figure passes before it is saved: could a person read it?

A figure without a title, an axis label or a needed legend, or with a curve
outside its axes, is an error naming the file, not a PNG.
"""

import numpy as np
from matplotlib.collections import PathCollection


class FigureError(ValueError):
    """A figure a reader could not read (no title, unlabelled axes, ...): a bug in its
    script, caught before the file is written."""


def check_figure(figure, path):
    """Raise FigureError, naming *path*, unless every axes of *figure* can be read."""
    problems = figure_problems(figure)
    if problems:
        raise FigureError(f'{path}: ' + '; '.join(problems))


def figure_problems(figure):
    """Sentences saying what keeps *figure* from being read; empty when nothing does.

    Every axes needs a title (or the figure a suptitle); x and y labels (its
    own, a sharing neighbour's, or the figure's), except on an axis without
    ticks (an image); a label for each series and a legend when it has more
    than one; no series with nothing inside the axes limits; no lone point
    without a marker; and whole-number ticks on an epoch or iteration axis.
    """
    problems = []
    suptitle = figure.get_suptitle()
    charts = [axes for axes in figure.axes  # (a colorbar's axes is labelled by its colorbar)
              if axes.get_visible() and axes.get_label() != '<colorbar>']
    for number, axes in enumerate(charts, start=1):
        name = f"axes {number} ('{axes.get_title()}')" if axes.get_title() else f'axes {number}'
        if not (axes.get_title() or suptitle):
            problems.append(f'{name} has no title (nor the figure a suptitle)')
        xlabel = _axis_label(figure, axes, 'x')
        for letter, label in (('x', xlabel), ('y', _axis_label(figure, axes, 'y'))):
            if label == '':
                problems.append(f'{name} has no {letter} label')
        series = [line for line in axes.lines if len(line.get_xdata())] + [
            points for points in axes.collections if isinstance(points, PathCollection)]
        unlabelled = [item for item in series if item.get_label().startswith('_')]
        if len(series) > 1 and unlabelled:
            problems.append(f'{name}: {len(unlabelled)} of its {len(series)} series '
                            'have no label')
        if len(series) > 1 and axes.get_legend() is None and not figure.legends:
            problems.append(f'{name} has {len(series)} series but no legend')
        problems += [f'{name}: {problem}' for problem in _series_problems(axes)]
        counted = next((unit for unit in ('epoch', 'iteration')
                        if unit in (xlabel or '').lower()), None)
        ticks = [tick for tick in axes.get_xticks() if _within(tick, axes.get_xlim())]
        if counted and any(tick != round(tick) for tick in ticks):
            problems.append(f'{name}: x counts whole {counted}s but has ticks at '
                            + ', '.join(f'{tick:g}' for tick in ticks))
    return problems


def _axis_label(figure, axes, letter):
    """The axis's label: its own, a visible sharing axes', or the figure's; None when the
    axis has no ticks (a picture needs no scale), '' when it has none."""
    if not len(getattr(axes, f'get_{letter}ticks')()):
        return None
    shared = getattr(axes, f'get_shared_{letter}_axes')().get_siblings(axes)
    labels = [getattr(other, f'get_{letter}label')() for other in shared
              if other is axes or other.get_visible()]
    labels.append(getattr(figure, f'get_sup{letter}label')())
    return next((label for label in labels if label), '')


def _within(value, limits):
    return min(limits) <= value <= max(limits)


def _series_problems(axes):
    """Lines in data coordinates that show nothing, or a lone point without a marker."""
    problems = []
    for line in axes.lines:
        if line.get_transform() is not axes.transData or not len(line.get_xdata()):
            continue  # axhline and the like live in axes coordinates
        x, y = (np.asarray(values, dtype=float) for values in np.transpose(line.get_xydata()))
        drawable = np.isfinite(x) & np.isfinite(y)
        for values, scale in ((x, axes.get_xscale()), (y, axes.get_yscale())):
            if scale == 'log':
                drawable &= values > 0
        label = line.get_label()
        if not drawable.any():
            problems.append(f"series '{label}' has no point the axes can draw (none finite, "
                            'or none above 0 on a log axis)')
            continue
        x, y = x[drawable], y[drawable]
        (x_low, x_high), (y_low, y_high) = sorted(axes.get_xlim()), sorted(axes.get_ylim())
        if not np.any((x >= x_low) & (x <= x_high) & (y >= y_low) & (y <= y_high)):
            problems.append(f"series '{label}' lies entirely outside the axes limits "
                            f'(x {_span(axes.get_xlim())}, y {_span(axes.get_ylim())})')
        elif len(x) == 1 and line.get_marker() in (None, 'None', 'none', '', ' '):
            problems.append(f"series '{label}' is a single point drawn without a marker")
    return problems


def _span(limits):
    return f'{min(limits):.3g}..{max(limits):.3g}'
