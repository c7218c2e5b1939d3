"""Reproduction targets: a post's number, the metric that should match it, a criterion."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """One published number and how closely the reproduced metric must meet it.

    ``kind`` is ``'close'`` (|value - blog| <= tolerance), ``'at_least'`` or
    ``'at_most'`` (the value against ``bound``, with the blog value for show).
    """

    label: str
    metric: str
    blog: float
    kind: str = 'close'
    tolerance: float = 0.0
    bound: float = None

    def passes(self, value):
        if value is None:
            return False
        if self.kind == 'close':
            return abs(value - self.blog) <= self.tolerance
        if self.kind == 'at_least':
            return value >= self.bound
        if self.kind == 'at_most':
            return value <= self.bound
        raise ValueError(f'unknown target kind {self.kind!r}')

    def criterion(self):
        if self.kind == 'close':
            return 'exact' if self.tolerance == 0 else f'± {self.tolerance:g}'
        return {'at_least': '≥ ', 'at_most': '≤ '}[self.kind] + f'{self.bound:g}'


@dataclass(frozen=True)
class Experiment:
    """A script under ``experiments/`` run with *args* by ``make reproduce``."""

    name: str
    module: str
    targets: tuple
    args: tuple = ()
    plots: tuple = ()
    source: str = ''
