"""Arrays drawn as pictures: a mosaic of small images, a confusion matrix as a heat map."""

import numpy as np

from netlib.plots.figures import plt, save_figure


def image_grid(path, images, title, columns, titles=None, row_labels=None, cmap='gray'):
    """Small images in rows of *columns*, on one 0..1 scale (values outside are clipped).

    A 1-D image is a flattened square one (MNIST's 784 pixels); *titles* go
    above the images, *row_labels* left of each row; cells left over stay blank.
    """
    images = [np.clip(np.reshape(image, (int(np.sqrt(np.size(image))), -1))
                      if np.ndim(image) == 1 else image, 0, 1) for image in images]
    rows, (height, width) = max(1, -(-len(images) // columns)), images[0].shape
    column_inches = 1.5 if titles else 1.1
    gap = max(1, width // 7)
    pixels_per_inch = (columns * (width + gap) + gap) / (column_inches * columns)
    lines = max(title.count('\n') + 1 for title in titles) if titles else 0
    title_rows = int(np.ceil(lines * 9 * 1.4 / 72 * pixels_per_inch))  # 9-point lines
    cell = (height + gap + title_rows, width + gap)
    # One mosaic in one axes: 32 axes of their own took 0.45 s to lay out and save, the
    # mosaic 0.1 s.
    mosaic = np.full((rows * cell[0] + gap, columns * cell[1] + gap), np.nan)
    figure, axes = plt.subplots(figsize=(column_inches * columns,  # + the suptitle's line
                                         len(mosaic) / pixels_per_inch + 0.5))
    for number, image in enumerate(images):
        top = number // columns * cell[0] + gap + title_rows
        left = number % columns * cell[1] + gap
        mosaic[top:top + height, left:left + width] = image
        if titles:
            axes.text(left + width / 2, top - 1, titles[number], ha='center', va='bottom',
                      fontsize=9)
    for row, label in enumerate(row_labels or ()):
        axes.text(-gap, row * cell[0] + gap + title_rows + height / 2, label, ha='right',
                  va='center')
    axes.imshow(mosaic, cmap=plt.get_cmap(cmap).with_extremes(bad='white'), vmin=0, vmax=1,
                interpolation='nearest')
    axes.set(xticks=[], yticks=[])
    axes.spines[:].set_visible(False)
    figure.suptitle(title)
    figure.tight_layout()
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
