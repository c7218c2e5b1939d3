"""netlib: Chainer experiments that print every step and reproduce published numbers.

From Python or a notebook::

    from netlib import Classifier, MLP, train
    result = train(Classifier(MLP((784, 100, 10))), train_data, test_data,
                   optimizer='adam', lr=1e-3, epoch=2)
    result.model, result.log

    import netlib
    metrics = netlib.run('mnist_mlp', epoch=1)   # as `netlib run mnist_mlp --epoch 1`
    try:
        netlib.run('mnist_mlp', lr=-1)
    except netlib.NetlibError as error:          # bad input, divergence: never an exit
        print(error)
"""

# First: chainer 7.8.1 imports only after netlib.compat on NumPy 2 and Python 3.12+.
from netlib import compat  # noqa: F401  (isort: skip)
from netlib.api import run, train
from netlib.errors import Diverged, NetlibError, UsageError
from netlib.links.mlp import MLP, Classifier, Regressor

__version__ = '0.2.0'
__all__ = ['MLP', 'Classifier', 'Regressor', 'train', 'run', 'NetlibError', 'UsageError',
           'Diverged']
