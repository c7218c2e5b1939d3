"""Plots a person can read: title, axis labels, legend, log scale where it helps."""

import matplotlib
import numpy as np

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the headless backend)
from matplotlib.ticker import MaxNLocator  # noqa: E402

from chainer import training  # noqa: E402

from netlib.files import atomic_path  # noqa: E402

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


class PlotLog(training.Extension):
    """``loss.png`` (and ``accuracy.png``) from the LogReport, redrawn at each record.

    Used instead of ``PlotReport``, which writes its PNG in place (a kill
    mid-write leaves a broken file) and draws no title or axis label.  Every
    reported key ending in ``loss`` goes in one plot, ``accuracy`` in the other.
    """

    priority = training.PRIORITY_READER

    def __init__(self, title, x_key='epoch'):
        self.title, self.x_key = title, x_key
        self.trainer, self.drawn = None, 0

    def initialize(self, trainer):
        self.trainer = trainer

    def finalize(self):
        """Draw the records that came after the last drawing (a run ends between triggers)."""
        if self.trainer and len(self.trainer.get_extension('LogReport').log) > self.drawn:
            self(self.trainer)

    def __call__(self, trainer):
        log = trainer.get_extension('LogReport').log
        self.drawn = len(log)
        for quantity in ('loss', 'accuracy'):
            keys = sorted({key for record in log for key in record if key.endswith(quantity)})
            if keys:
                plot_log(f'{trainer.out}/{quantity}.png', log, keys, x_key=self.x_key,
                         title=f'{self.title}: {quantity}', ylabel=quantity)


def plot_panels(path, panels, title, xlabel, ylabel, columns=None, log_scale=False,
                ylim=None, sharey=True):
    """Small multiples: one axes per ``panel title -> {label: (xs, ys)}`` in *panels*.

    The panels share the x axis and, unless *sharey* is False, the y axis, so
    their curves compare at a glance; the legend is drawn once, below, since
    every panel has the same labels.
    """
    columns = columns or len(panels)
    rows = -(-len(panels) // columns)
    figure, grid = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.6 * rows + 0.6),
                                      sharex=True, sharey=sharey, squeeze=False)
    for axes, (panel_title, curves) in zip(grid.flat, panels.items()):
        for label, (xs, ys) in curves.items():
            axes.plot(xs, ys, label=label)
        axes.set_title(panel_title, fontsize=10)
        axes.grid(True, alpha=0.3)
        if log_scale and any(y > 0 for _, ys in curves.values() for y in ys if y is not None):
            axes.set_yscale('log')  # (a dead net's all-zero curve has no log scale)
        if ylim:
            axes.set_ylim(*ylim)
    for axes in grid.flat[len(panels):]:
        axes.set_visible(False)
    for axes in grid[-1]:
        axes.set_xlabel(xlabel)
    for axes in grid[:, 0]:
        axes.set_ylabel(ylabel + (' (log scale)' if log_scale else ''))
    handles, labels = grid.flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc='lower center', ncol=len(labels),
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


def smooth_curve(values, width=11):
    """The book's ``smooth_curve`` ("Deep Learning from Scratch", common/util.py): a
    *width*-point Kaiser window, the ends mirrored, as long as *values*."""
    values, half = np.asarray(values), width // 2
    if len(values) < width:
        return values
    padded = np.r_[values[width - 1:0:-1], values, values[-1:-width:-1]]
    window = np.kaiser(width, 2)
    smoothed = np.convolve(padded, window / window.sum(), mode='valid')
    return smoothed[half:len(smoothed) - half]


def image_grid(path, images, title, columns, titles=None, row_labels=None, cmap='gray'):
    """Small images in rows of *columns*, on one 0..1 scale (values outside are clipped).

    A 1-D image is a flattened square one (MNIST's 784 pixels); *titles* go
    above the images, *row_labels* left of each row; cells left over stay blank.
    """
    rows = max(1, -(-len(images) // columns))
    width, height = (1.5, 1.8) if titles else (1.1, 1.4)
    figure, grid = plt.subplots(rows, columns, figsize=(width * columns, height * rows),
                                squeeze=False)  # 2-D even for a single image
    for axes in grid.flat:
        axes.set(xticks=[], yticks=[])
        axes.spines[:].set_visible(False)
    for number, (axes, image) in enumerate(zip(grid.flat, images)):
        if np.ndim(image) == 1:
            image = np.reshape(image, (int(np.sqrt(np.size(image))), -1))
        axes.imshow(np.clip(image, 0, 1), cmap=cmap, vmin=0, vmax=1)
        if titles:
            axes.set_title(titles[number], fontsize=9)
    for axes, label in zip(grid[:, 0], row_labels or ()):
        axes.set_ylabel(label)
    figure.suptitle(title)
    figure.tight_layout(h_pad=2 if titles else None)  # room between a title and the row above
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
