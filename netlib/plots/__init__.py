"""Plots a person can read: title, axis labels, legend, log scale where it helps.

Each name loads its module on first use: a command that draws nothing (``--help``,
a refused flag) starts without matplotlib.
"""

import importlib

_MODULE_OF = {
    'bar_chart': 'bars', 'class_histogram': 'bars', 'plot_histogram_grid': 'bars',
    'LOSS_NAMES': 'curves', 'LogPlot': 'curves', 'legend_label': 'curves',
    'plot_curves': 'curves', 'plot_log': 'curves', 'plot_panels': 'curves',
    'smooth_curve': 'curves',
    'integer_ticks': 'figures', 'plt': 'figures', 'save_figure': 'figures',
    'wants_log_scale': 'figures',
    'confusion_heatmap': 'images', 'image_grid': 'images',
    'plot_paired': 'strips', 'plot_strips': 'strips',
}
__all__ = sorted(_MODULE_OF)


def __getattr__(name):
    if name not in _MODULE_OF:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    value = getattr(importlib.import_module(f'{__name__}.{_MODULE_OF[name]}'), name)
    globals()[name] = value
    return value
