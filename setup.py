from setuptools import find_packages, setup

setup(
    name='netlib',
    version='0.1.0',
    description='Chainer experiments that print every step and reproduce published numbers',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['netlib', 'netlib.*']),
    python_requires='>=3.9,<3.12',
    install_requires=[
        'chainer==7.8.1',
        'numpy>=1.21,<2',
        'matplotlib',
        # netlib.kernels: the element-wise passes compiled (pooling, optimizer updates).
        'numba>=0.59,<0.62',
        # chainer imports pkg_resources and numpy.distutils at import time;
        # setuptools >= 74 removed what that import needs.
        'setuptools<74',
    ],
    extras_require={
        'gpu': ['cupy-cuda12x<14'],
        'test': ['pytest', 'hypothesis', 'scikit-learn', 'pillow'],
    },
)
