"""What every figure shares: the headless backend, the log-scale rule, whole-number
ticks, and :func:`save_figure`, which checks a figure before it becomes a file."""

import matplotlib
from matplotlib.ticker import MaxNLocator

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the headless backend)

from netlib.files import atomic_path  # noqa: E402
from netlib.plots.figure_check import check_figure  # noqa: E402

# Above this ratio between the largest and smallest value a linear axis hides
# everything but the first few points.
LOG_SCALE_SPAN = 100.0


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
