"""The divergence guard: stop at the first loss that is not a number any more.

A NaN, infinite or exploded (> 1e10) loss, or a non-finite parameter before a
snapshot, raises :class:`Diverged` (one line, exit code 3).  The guard runs
before the writers of the same iteration, so the last snapshot on disk is
always a finite one.
"""

import math

from chainer import training

from netlib.errors import Diverged

# A loss above this is treated like an infinite one: Adam with --lr 1e6 keeps
# its loss finite (around 1e21) but has clearly left the problem behind.
DIVERGENCE_LIMIT = 1e10
ADVICE = 'training diverged; try a lower --lr or --grad-clip'


def check_loss(value, iteration, key='main/loss'):
    """Raise :class:`Diverged` for a NaN, infinite or exploded loss."""
    value = float(getattr(value, 'array', value))
    if not math.isfinite(value) or abs(value) > DIVERGENCE_LIMIT:
        raise Diverged(f'{key} became {value:g} at iteration {iteration}: {ADVICE}')


def check_params(model, iteration):
    """Raise :class:`Diverged` if an update left a NaN or infinite parameter."""
    for name, param in model.namedparams():
        if not bool(param.device.xp.isfinite(param.array).all()):
            raise Diverged(f'parameter {name} became non-finite at iteration {iteration}: '
                           f'{ADVICE}')


class DivergenceGuard(training.Extension):
    """Checks every reported ``.../loss`` each iteration and the parameters before a snapshot.

    *allow* names observers whose divergence is the point of the experiment
    (a net that is expected to fail): they are not checked.
    """

    trigger = 1, 'iteration'
    priority = training.PRIORITY_WRITER + 1

    def __init__(self, snapshot_trigger, allow=()):
        self.snapshot_trigger = training.get_trigger(snapshot_trigger)
        self.allow = set(allow)

    def __call__(self, trainer):
        iteration = trainer.updater.iteration
        for key, value in trainer.observation.items():
            if key.endswith('/loss') and key.split('/')[0] not in self.allow:
                check_loss(value, iteration, key)
        if self.snapshot_trigger(trainer):  # a snapshot comes next: keep it finite
            for name, optimizer in trainer.updater.get_all_optimizers().items():
                if name not in self.allow:
                    check_params(optimizer.target, iteration)
