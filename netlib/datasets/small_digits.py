"""scikit-learn's bundled 8x8 digits (1,797 images, no download) in MNIST's format.

MNIST centres each digit in a 20x20 box inside 28x28 pixels; the 8x8 images
are scaled to 20x20 (bilinear) and padded by 4 pixels on each side, their
0..16 grey levels to MNIST's 0..1.
"""

import numpy as np

from netlib.errors import UsageError


def load_small_digits():
    """``(x, t)``: float32 (1797, 784) in [0, 1] and int32 labels 0-9."""
    try:  # scikit-learn brings SciPy
        from scipy import ndimage
        from sklearn.datasets import load_digits
    except ImportError:
        raise UsageError("scikit-learn's digits need scikit-learn: pip install "
                         "-e '.[course]'") from None
    digits = load_digits()
    images = ndimage.zoom(digits.images / 16.0, (1, 20 / 8, 20 / 8), order=1)
    images = np.pad(np.clip(images, 0, 1), ((0, 0), (4, 4), (4, 4)))
    return images.reshape(len(images), -1).astype(np.float32), digits.target.astype(np.int32)


def split_per_class(t, test_share, seed=0):
    """Indices ``(pool, test)``: *test_share* of each class held out, the same for every run."""
    rng = np.random.RandomState(seed)
    pool, test = [], []
    for label in np.unique(t):
        members = rng.permutation(np.flatnonzero(t == label))
        cut = int(round(len(members) * test_share))
        test.append(members[:cut])
        pool.append(members[cut:])
    return np.concatenate(pool), np.concatenate(test)
