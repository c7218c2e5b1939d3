"""chainer 7.8.1 on NumPy 2 and Python 3.12+: netlib imports chainer through the patches.

The patches and the import hook that gives them to any script live beside netlib,
in :mod:`netlib_chainer_compat`; netlib applies them whatever
``NETLIB_CHAINER_COMPAT`` says, since its own code needs them.
"""

from netlib_chainer_compat import (APPLIED, APPLIED_ON_IMPORT_OF, PATCHES, VARIABLE, active,
                                   import_chainer)

import_chainer()

__all__ = ['APPLIED', 'APPLIED_ON_IMPORT_OF', 'PATCHES', 'VARIABLE', 'active']
