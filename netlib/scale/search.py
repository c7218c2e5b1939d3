"""A search space for ``netlib tune``, declared next to an experiment's DEFAULTS::

    SEARCH_SPACE = search.Space(
        maximize='validation/main/accuracy',          # a LogReport key, reported each epoch
        budget=dict(epoch=3, train_size=6000),        # every trial's flags unless given
        seeds_per_trial=2,                            # a trial's score: the mean of 2 seeds
        lr=search.LogUniform(1e-4, 1e-2),             # log-uniform
        optimizer=search.Choice('adam', 'rmsprop'),   # one of these
        unit=search.IntRange(100, 2000, log=True),    # an integer (log: uniform in log)
    )

Plain data, so that an experiment imports without Optuna (the ``tune``
extra); :mod:`netlib.scale.tune` turns each range into Optuna's distribution.
The trial being run, if any, is :func:`current_trial`: the training loop
(:mod:`netlib.training.extensions.optuna_pruning`) reports to it and stops a
trial Optuna prunes.
"""

import contextlib
from dataclasses import dataclass


@dataclass(frozen=True)
class LogUniform:
    low: float
    high: float


@dataclass(frozen=True)
class IntRange:
    low: int
    high: int
    log: bool = False


class Choice(tuple):
    """One of the given values (names or numbers)."""

    def __new__(cls, *values):
        return super().__new__(cls, values)


class Space:
    """The flags searched (name -> range) and the LogReport key to maximize or minimize."""

    def __init__(self, maximize=None, minimize=None, budget=None, seeds_per_trial=1,
                 **flags):
        if (maximize is None) == (minimize is None):
            raise ValueError('a search space maximizes or minimizes one LogReport key')
        self.maximize, self.minimize = maximize, minimize
        self.budget = budget or {}
        self.seeds_per_trial = seeds_per_trial
        self.flags = flags

    @property
    def key(self):
        return self.maximize or self.minimize

    @property
    def direction(self):
        return 'maximize' if self.maximize else 'minimize'


_trial = None


@contextlib.contextmanager
def trial_in_progress(trial, key):
    """Within this block the training loop reports *key* to Optuna's *trial* (if any) each
    epoch."""
    global _trial
    _trial = None if trial is None else (trial, key)
    try:
        yield
    finally:
        _trial = None


def current_trial():
    """``(trial, key)`` of the trial being run, or None outside ``netlib tune``."""
    return _trial
