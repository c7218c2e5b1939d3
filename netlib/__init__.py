"""netlib: Chainer experiments that print every step and reproduce published numbers."""

__version__ = '0.1.0'
