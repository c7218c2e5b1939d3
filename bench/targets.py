"""Issue 25's targets for the bench's ratios, written once: each ratio at most its bound.

A ratio is netlib's time over PyTorch's (or over the sgemm limit's), so below 1 is
netlib ahead.  :mod:`bench.run` writes the bounds, and whether each column of
``results.json`` meets them, beside the ratios.
"""

WHOLE_RUN = '_whole_run_netlib_over_pytorch'  # the ratio key of every whole run ends so
EVERY_WHOLE_RUN = 0.9  # each whole run (char_lm's included) unless named in AT_MOST
AT_MOST = {
    f'mnist_mlp{WHOLE_RUN}': 0.8,
    f'mnist_cnn_full_epoch{WHOLE_RUN}': 1.0,
    'cnn_netlib_over_pytorch': 1.0,  # the Keras CNN, per training iteration
    'cnn_netlib_over_limit': 1.4,
    'inference_same_batch_netlib_over_pytorch': 1.0,  # both sides in products of 1,000
}


def bound(key):
    """The most the ratio *key* may be, or None where the issue sets no target."""
    if key in AT_MOST:
        return AT_MOST[key]
    return EVERY_WHOLE_RUN if key.endswith(WHOLE_RUN) else None


def bounds(keys):
    """``{key: bound}`` for the keys that have a target."""
    return {key: bound(key) for key in keys if bound(key) is not None}


def check(ratios):
    """``{key: {'ratio', 'at_most', 'met'}}`` for each ratio that has a target."""
    return {key: {'ratio': ratios[key], 'at_most': at_most, 'met': ratios[key] <= at_most}
            for key, at_most in bounds(ratios).items()}
