"""Plots a person can read: title, axis labels, legend, log scale where it helps."""

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the headless backend)
from matplotlib.ticker import MaxNLocator  # noqa: E402

from netlib.runs import atomic_path  # noqa: E402

# Above this ratio between the largest and smallest value a linear axis hides
# everything but the first few points.
LOG_SCALE_SPAN = 100.0
SHORT_RUN = 30


def wants_log_scale(values):
    """True when the positive values span decades (a loss falling towards 0)."""
    positive = [v for v in values if v > 0]
    return len(positive) > 1 and max(positive) / min(positive) > LOG_SCALE_SPAN


def save_figure(figure, path):
    """Save *figure* as PNG through a temporary file and close it."""
    try:
        with atomic_path(path) as tmp:
            figure.savefig(tmp, format='png', dpi=100, bbox_inches='tight')
    finally:
        plt.close(figure)


def plot_curves(path, curves, title, xlabel, ylabel, log_scale=None):
    """One line per ``label -> (xs, ys)`` in *curves*; log y when it spans decades."""
    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    all_values = []
    for label, (xs, ys) in curves.items():
        # A run of a few epochs is a few points: show them, not only the lines.
        axes.plot(xs, ys, label=label, marker='o' if len(xs) <= SHORT_RUN else None)
        all_values.extend(ys)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if log_scale is None:
        log_scale = wants_log_scale(all_values)
    if log_scale:
        axes.set_yscale('log')
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel + (' (log scale)' if log_scale else ''))
    axes.grid(True, alpha=0.3)
    axes.legend()
    save_figure(figure, path)


# Legend text for the keys Chainer's reporters write.
KEY_LABELS = {
    'main/loss': 'train loss',
    'validation/main/loss': 'test loss',
    'main/accuracy': 'train accuracy',
    'validation/main/accuracy': 'test accuracy',
}


def plot_log(path, log, keys, title, ylabel, x_key='epoch'):
    """Curves of *keys* (e.g. ``main/loss``) from a LogReport-shaped *log*."""
    curves = {}
    for key in keys:
        records = [record for record in log if key in record]
        curves[KEY_LABELS.get(key, key)] = ([r[x_key] for r in records],
                                            [r[key] for r in records])
    plot_curves(path, curves, title, x_key, ylabel)
