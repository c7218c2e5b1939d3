import os
import sysconfig

from setuptools import find_packages, setup

# At start-up, site-packages' .pth files run their import lines: this one puts a finder
# on sys.meta_path that patches chainer when a script first imports it (no netlib import
# in the script), and imports nothing else.  A wheel carries it as data for site-packages,
# relative to the environment's root; an editable install does not (`make install` copies
# it there).
HOOK = 'netlib_chainer_compat.pth'
SITE_PACKAGES = os.path.relpath(sysconfig.get_path('purelib'), sysconfig.get_path('data'))


# A CuPy that Chainer finds on a machine with NVIDIA's driver and no CUDA toolkit: NVIDIA's
# library wheels, and NCCL for ChainerMN across GPUs.  NumPy 1 (Python < 3.12): CuPy 13's
# CUDA 12 build, whose libraries netlib_chainer_patches loads from the wheels; NumPy 2:
# CuPy 14, which finds them itself.  Neither brings cuDNN (CuPy 14 has none): Chainer's
# own GPU code runs.
CUDA_12 = 'python_version < "3.12"'
CUDA_13 = 'python_version >= "3.12"'
GPU = [f'cupy-cuda12x>=13,<14; {CUDA_12}',
       f'cuda-toolkit[cublas,cudart,cufft,curand,cusolver,cusparse,nvrtc]==12.*; {CUDA_12}',
       f'nvidia-nccl-cu12>=2.16.5,<3; {CUDA_12}',
       f'cupy-cuda13x[ctk]>=14,<15; {CUDA_13}',
       f'nvidia-nccl-cu13>=2.27.7,<3; {CUDA_13}']
# ChainerUI 0.11 (its last release) is written for SQLAlchemy 1.x.
UI = ['chainerui==0.11.0', 'sqlalchemy<2']
# gensim: the Lee corpus and the word lists in its wheel (netlib.datasets.text) and the
# word2vec peer.  4.3.3 is the newest for Python 3.11 and needs NumPy < 2 (and SciPy
# < 1.14, which pip picks); 4.4.0 is the first for NumPy 2 (tested on Python 3.13 with
# NumPy 2.2.6 and SciPy 1.18.1).
TEXT = ['gensim==4.3.3; python_version < "3.12"', 'gensim==4.4.0; python_version >= "3.12"']
# Tested with mpi4py 4.1.2 and mpich 5.0.2 (the wheels on PyPI).
MPI = ['mpi4py>=4', 'mpich']
# netlib tune: Optuna 5 dropped the Chainer integration (ChainerPruningExtension);
# its parameter importances fit scikit-learn's trees; psycopg2 reaches PostgreSQL.
TUNE = ['optuna<5', 'optuna-integration<5', 'scikit-learn', 'psycopg2-binary']
# netlib notebook and make notebooks (netlib.notebooks): a script made into a notebook
# (jupytext), run in a kernel of this Python (nbclient, ipykernel); no run needs them.
NOTEBOOK = ['jupytext', 'nbclient', 'ipykernel', 'nbformat']
# This repository's experiments (experiments/NAME.py), registered for `netlib run NAME`
# as any package registers its own (netlib.cli.registry).
EXPERIMENTS = ('autoencoder', 'batch_norm', 'byte_cnn', 'char_lm', 'gan_mnist', 'logic_gates',
               'mnist_cnn', 'mnist_inference', 'mnist_mlp', 'optimizer_compare',
               'overfit_dropout', 'rnn_vs_lstm', 'seq2seq_addition', 'steps_regression',
               'transfer_learning', 'vanishing_gradient', 'weight_init', 'word2vec')

setup(
    name='netlib',
    version='0.2.0',
    description='Chainer experiments that print every step and reproduce published numbers',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    # experiments/ is installed too, registered below.
    packages=find_packages(include=['netlib', 'netlib.*', 'experiments', 'experiments.*']),
    # Beside netlib, so that the hook imports neither netlib nor NumPy before chainer.
    py_modules=['netlib_chainer_compat', 'netlib_chainer_patches'],
    data_files=[(SITE_PACKAGES, [HOOK])],
    # Chainer 7.8.1 runs on 3.12 and 3.13 with netlib.compat; constraints.txt pins
    # what was tested on each.
    python_requires='>=3.9,<3.14',
    install_requires=[
        'chainer==7.8.1',
        # The tested NumPy of each stack (constraints.txt pins the same): 1.26 up to
        # Python 3.11, 2.5 from 3.12 on.
        'numpy>=1.26,<2; python_version < "3.12"',
        'numpy>=2.5,<2.6; python_version >= "3.12"',
        'matplotlib>=3.8',  # Figure.get_suptitle / get_supxlabel: netlib.plots.figure_check
        # netlib.kernels.compiled: the element-wise passes compiled (pooling, optimizer updates);
        # Numba 0.61 is the first for Python 3.13.
        'numba>=0.61,<0.69',
        # chainer.testing (imported by chainer.gradient_check) imports pkg_resources,
        # which setuptools 82 removed.
        'setuptools<82',
        'threadpoolctl',  # netlib.kernels.blas_threads
    ],
    extras_require={
        'gpu': GPU,
        'ui': UI,
        # transfer_learning's second target: sklearn.datasets.load_digits (no download).
        'course': ['scikit-learn'],
        'text': TEXT,
        # ChainerMN (inside chainer) over MPI: the mpich wheel brings mpiexec and
        # libmpi, so no system MPI is needed; a system MPI works too.
        'mpi': MPI,
        'tune': TUNE,
        'notebook': NOTEBOOK,
        # import-linter: `make test` checks that netlib imports no experiment (setup.cfg).
        'test': ['pytest', 'pytest-xdist', 'hypothesis', 'scikit-learn', 'pillow',
                 'import-linter', *UI, *TEXT, *MPI, *TUNE, *NOTEBOOK],
    },
    entry_points={
        'console_scripts': ['netlib = netlib.cli.command:main'],
        'netlib.experiments': [f'{name} = experiments.{name}' for name in EXPERIMENTS],
        # `netlib reproduce` and `netlib report`; this `list` adds each experiment's
        # post, targets and run time to netlib's own.
        'netlib.commands': ['reproduce = experiments.reproduce:main',
                            'report = experiments.report:main',
                            'list = experiments.report:list_main'],
    },
)
