# `python -m bench.run` runs this before the script, whose `import chainer` needs
# netlib.compat first on NumPy 2 and Python 3.12+.
import netlib.compat  # noqa: F401
