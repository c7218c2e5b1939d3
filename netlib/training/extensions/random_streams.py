"""One NumPy random stream per compared net, kept in every snapshot."""

import contextlib

import numpy as np
from chainer import training

from netlib.serializers.snapshots import serialize_random_state


class RandomStreams(training.Extension):
    """One NumPy random stream per compared net, saved in every snapshot.

    Nets compared side by side in one loop each draw from their own stream,
    exactly the draws they would make trained one after the other from the
    same seed (batches, dropout masks), so the loop can interleave them::

        set_seed(seed); nets['a'] = make_a(); streams.add('a')   # after a's init
        ...
        with streams.use('a'):   # a's batch and dropout draws
            ...
    """

    trigger = 1, 'epoch'
    name = 'random_streams'

    def __init__(self):
        self.states = {}

    def add(self, name):
        """Start stream *name* from NumPy's global state now."""
        self.states[name] = np.random.get_state()

    @contextlib.contextmanager
    def use(self, name):
        """Draw from stream *name* inside the block; the global state is put back after."""
        outside = np.random.get_state()
        np.random.set_state(self.states[name])
        try:
            yield
        finally:
            self.states[name] = np.random.get_state()
            np.random.set_state(outside)

    def __call__(self, trainer):
        pass  # all the work is in serialize()

    def serialize(self, serializer):
        for name, state in self.states.items():
            self.states[name] = serialize_random_state(serializer[name], state)
