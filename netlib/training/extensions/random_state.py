"""NumPy's global random state in every snapshot, so that a resumed run draws the same
batches (``SerialIterator``'s shuffle, ``F.dropout``, the hand loops' batch draws)."""

import numpy as np
from chainer import training

from netlib.serializers.snapshots import serialize_random_state


class RandomStateSnapshot(training.Extension):
    """Puts NumPy's global random state into every trainer snapshot."""

    trigger = 1, 'epoch'
    name = 'random_state'

    def __call__(self, trainer):
        pass  # all the work is in serialize()

    def serialize(self, serializer):
        np.random.set_state(serialize_random_state(serializer))
