"""Reproduction targets: a number a post printed, or a claim an experiment measures.

A *post number* quotes the post's own line (``Test accuracy: 0.9871``) and
must be met within the post's printed precision, or within the seed noise
where the run is stochastic.  A *claim* is a sentence with a criterion and no
blog value.  A target whose metric varies with ``--seed`` is ``seeded``: its
spread over seeds (``netlib reproduce --seeds 5``, kept in
``results/seed_spread.json``) is shown beside it, and a tolerance or bound
given as ``SPREAD`` is derived from that spread.
"""

import math
import statistics
from dataclasses import dataclass
from fractions import Fraction

SPREAD = 'spread'   # a tolerance or bound taken from the seed spread
SPREAD_SDS = 3      # ... as mean ± 3 standard deviations
ABOVE_SPREAD = 'mean + 3 sd of the seed spread: a regression check'  # bases of such targets
BELOW_SPREAD = 'mean - 3 sd of the seed spread: a regression check'
WITHIN_SPREAD = '3 sd of the seed spread'


@dataclass(frozen=True)
class Post:
    """A source post; *file* is its text under ``../shared/seeds/``."""

    title: str
    blog: str
    file: str

    def __str__(self):
        return f'{self.blog}: 「{self.title}」'


@dataclass(frozen=True)
class Quote:
    """A number as a post printed it: *printed* (``0.9871``, ``92%``, ``1/4``) is part of
    *line*, the post's line verbatim."""

    post: Post
    line: str
    printed: str

    @property
    def value(self):
        if self.printed.endswith('%'):
            return float(Fraction(self.printed[:-1]) / 100)
        return float(Fraction(self.printed))

    @property
    def half_unit(self):
        """Half a unit in the last printed digit: how exactly the post gives its number."""
        digits = self.printed.rstrip('%').partition('.')[2]
        scale = 100 if self.printed.endswith('%') else 1
        return 0.0 if '/' in self.printed else 0.5 * 10.0 ** -len(digits) / scale


@dataclass(frozen=True)
class Spread:
    """A metric over several seeds; None where a seed's run had no value (a run that
    never reached 99 % has no epoch of reaching it): such a seed meets no criterion."""

    values: tuple

    @property
    def measured(self):
        return [value for value in self.values if value is not None]

    @property
    def mean(self):
        return statistics.fmean(self.measured) if self.measured else None

    @property
    def sd(self):
        return statistics.stdev(self.measured) if len(self.measured) > 1 else 0.0

    def __str__(self):
        missing = len(self.values) - len(self.measured)
        if not self.measured:
            return f'no value at any of {len(self.values)} seeds'
        low, high = min(self.measured), max(self.measured)
        return (f'{rounded(self.mean, self.sd)} ± {self.sd:.2g} (min {rounded(low, self.sd)}, '
                f'max {rounded(high, self.sd)}; {len(self.values)} seeds'
                + (f', {missing} without a value)' if missing else ')'))


@dataclass(frozen=True)
class Target:
    """One number to meet: a post's (*quote*) or a claim's (*label* is the claim).

    ``kind`` is ``'close'`` (|value - the post's number| <= tolerance) or
    ``'at_least'`` / ``'at_most'`` (against ``bound``); *basis* says where the
    criterion comes from.  *against* names another metric of the same run
    that the value must be close to (an independent computation).
    """

    label: str
    metric: str
    kind: str = 'close'
    quote: Quote = None
    tolerance: object = 0.0
    bound: object = None
    against: str = None
    seeded: bool = False
    basis: str = ''

    @property
    def blog(self):
        return None if self.quote is None else self.quote.value

    def reference(self, metrics):
        """The value a 'close' target must meet: the post's, or the *against* metric."""
        return metrics.get(self.against) if self.against else self.blog

    def resolved(self, spread):
        """(tolerance, bound) with ``SPREAD`` replaced by numbers from *spread*."""
        tolerance, bound = self.tolerance, self.bound
        if SPREAD in (tolerance, bound) and spread is None:
            return None, None
        if tolerance == SPREAD:
            tolerance = max(SPREAD_SDS * spread.sd, self.quote.half_unit if self.quote else 0)
        if bound == SPREAD:
            sign = -1 if self.kind == 'at_least' else 1
            bound = spread.mean + sign * SPREAD_SDS * spread.sd
        return tolerance, bound

    def passes(self, value, metrics, spread=None):
        tolerance, bound = self.resolved(spread)
        if value is None or (tolerance is None and bound is None):
            return False
        if self.kind == 'close':
            reference = self.reference(metrics)
            return reference is not None and abs(value - reference) <= tolerance
        if self.kind == 'at_least':
            return value >= bound
        if self.kind == 'at_most':
            return value <= bound
        raise ValueError(f'unknown target kind {self.kind!r}')

    def criterion(self, spread=None, metrics=None):
        """The criterion in words; an *against* metric with its value in *metrics*."""
        tolerance, bound = self.resolved(spread)
        if tolerance is None and bound is None:
            return 'needs the seed spread (netlib reproduce --seeds 5)'
        if self.kind == 'close':
            around = f'`{self.against}`' if self.against else 'the post'
            if self.against and (metrics or {}).get(self.against) is not None:
                around += f' = {metrics[self.against]:.{decimals_for(tolerance)}f}'
            return f'= {around}' if tolerance == 0 else f'{around} ± {tolerance:.2g}'
        shown = rounded(bound, spread.sd) if self.bound == SPREAD else f'{bound:.4g}'
        return {'at_least': '≥ ', 'at_most': '≤ '}[self.kind] + shown


def decimals_for(tolerance):
    """Decimals that show a value one place finer than *tolerance* (0.1 -> 2, 1e-6 -> 7)."""
    return max(0, 1 - math.floor(math.log10(tolerance))) if tolerance > 0 else 6


def rounded(value, scale):
    """*value* written one place finer than *scale* (a seed spread's sd, a tolerance), the
    digits beyond it being noise; below 1e-4 in powers of ten, with one significant digit at
    least; without a scale (no seed spread measured, or all seeds equal), two significant
    digits."""
    if isinstance(value, int):
        return str(value)
    if not scale:
        return f'{value:.2g}'
    decimals = decimals_for(scale)
    if value == 0:
        return '0'
    if abs(value) < 1e-4:  # a ratio of 2e-10 is not 0, whatever the scale
        return f'{value:.{max(0, math.floor(math.log10(abs(value))) + decimals)}e}'
    return f'{value:.{decimals}f}'


@dataclass(frozen=True)
class Experiment:
    """``experiments/SCRIPT.py`` (*script* defaults to *name*) run with *args* by
    ``make reproduce``; the report shows its *plots* and the text metrics named in
    *texts* (samples, example answers: ``{heading: text or [lines]}``); its notebook
    links *links*, the ``(label, address)`` of what it follows."""

    name: str
    targets: tuple
    script: str = None
    args: tuple = ()
    plots: tuple = ()
    texts: tuple = ()
    source: str = ''
    links: tuple = ()

    @property
    def module(self):
        return f'experiments.{self.script or self.name}'

    @property
    def seeded(self):
        return any(target.seeded for target in self.targets)
