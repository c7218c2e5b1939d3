"""A run's metrics read off its LogReport: the last record's numbers, named for a reader."""

# Chainer's reporter keys and the names metrics.json gives them.
METRIC_NAMES = {'main/loss': 'train_loss', 'validation/main/loss': 'test_loss',
                'main/accuracy': 'train_accuracy', 'validation/main/accuracy': 'test_accuracy'}


def final_metrics(log):
    """The last epoch's numbers with readable names, and the time per epoch.

    The time is LogReport's clock (training and test pass), which continues
    across ``--resume``.
    """
    last = log[-1]
    metrics = {name: last[key] for key, name in METRIC_NAMES.items() if key in last}
    metrics['seconds_per_epoch'] = last['elapsed_time'] / last['epoch']
    return metrics
