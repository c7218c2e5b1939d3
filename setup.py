from setuptools import find_packages, setup

# ChainerUI 0.11 (its last release) is written for SQLAlchemy 1.x.
UI = ['chainerui==0.11.0', 'sqlalchemy<2']

setup(
    name='netlib',
    version='0.2.0',
    description='Chainer experiments that print every step and reproduce published numbers',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    # experiments/ is installed too: `netlib run NAME` and netlib.run() import it.
    packages=find_packages(include=['netlib', 'netlib.*', 'experiments', 'experiments.*']),
    # Chainer 7.8.1 runs on 3.12 and 3.13 with netlib.compat; constraints.txt pins
    # what was tested on each.
    python_requires='>=3.9,<3.14',
    install_requires=[
        'chainer==7.8.1',
        'numpy>=1.21',
        'matplotlib>=3.8',  # Figure.get_suptitle / get_supxlabel: netlib.figure_check
        # netlib.compiled: the element-wise passes compiled (pooling, optimizer updates);
        # Numba 0.61 is the first for Python 3.13.
        'numba>=0.59,<0.62',
        # chainer.testing (imported by chainer.gradient_check) imports pkg_resources,
        # which setuptools 82 removed.
        'setuptools<82',
    ],
    extras_require={
        'gpu': ['cupy-cuda12x<14'],
        'ui': UI,
        # transfer_learning's second target: sklearn.datasets.load_digits (no download).
        'course': ['scikit-learn'],
        'test': ['pytest', 'hypothesis', 'scikit-learn', 'pillow', *UI],
    },
    entry_points={'console_scripts': ['netlib = netlib.command:main']},
)
