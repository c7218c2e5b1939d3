"""netlib.kernels: one table of kernels, swapped in for a block and put back after it."""

import pkgutil

import chainer
import chainer.functions as F
import numpy as np
from chainer.datasets import TupleDataset
from chainer.functions.connection import convolution_2d as convolution_module
from chainer.functions.connection import embed_id as embed_id_module
from chainer.functions.connection import linear as linear_module

import netlib
from netlib import kernels, optimizers


def what_chainer_calls():
    """Every object the switch may replace, and the optimizer classes it must never touch."""
    return {**{f'{module.__name__}.{name}': getattr(module, name)
               for module, name in kernels.PLACES},
            'Adam': chainer.optimizers.Adam, 'AdaDelta': chainer.optimizers.AdaDelta}


def test_using_swaps_every_patched_object_and_restores_it():
    before = what_chainer_calls()
    with kernels.using('fast'):
        assert kernels.chosen() == 'fast'
        for module, name in kernels.PLACES:
            assert getattr(module, name) is kernels.FAST[name]
        assert optimizers.registry()['Adam'] is kernels.optimizers.Adam
        assert optimizers.registry()['AdaDelta'] is kernels.optimizers.AdaDelta
        assert chainer.optimizers.Adam is before['Adam']
    after = what_chainer_calls()
    assert all(after[place] is before[place] for place in before)
    assert kernels.chosen() == 'chainer'
    assert optimizers.registry()['Adam'] is chainer.optimizers.Adam


def test_using_restores_the_very_objects_there_before_even_after_an_error():
    def marker(*args, **kwargs):
        raise AssertionError('never called')

    original = F.relu
    F.relu = marker  # someone else's function: the block must give it back, not Chainer's
    try:
        try:
            with kernels.using('fast'):
                with kernels.using('chainer'):
                    assert F.relu is kernels.CHAINER['relu']
                assert F.relu is kernels.FAST['relu']
                raise KeyError('inside the block')
        except KeyError:
            pass
        assert F.relu is marker and kernels.chosen() == 'chainer'
    finally:
        F.relu = original


def test_the_switch_reads_the_recurrent_window():
    cell = chainer.links.LSTM(3, 4)
    xs = np.random.RandomState(0).rand(5, 2, 3).astype('f')
    with kernels.using('fast'):
        assert kernels.read_window(cell, xs).creator.label == 'LSTMWindow'
    cell.reset_state()
    with kernels.using('chainer'):
        assert kernels.read_window(cell, xs).creator.label == 'Stack'


def test_train_leaves_chainers_functions_and_optimizers_as_they_were(tmp_path):
    before = what_chainer_calls()
    rng = np.random.RandomState(0)
    data = TupleDataset(rng.rand(20, 6).astype('f'), rng.randint(0, 3, 20).astype('i'))
    netlib.train(netlib.Classifier(netlib.MLP((6, 5, 3))), data, epoch=1, batchsize=10,
                 out=str(tmp_path / 'run'))
    after = what_chainer_calls()
    assert [place for place in before if after[place] is not before[place]] == []
    assert kernels.chosen() == 'chainer'


def test_the_table_lists_every_kernel_and_each_one_exists():
    modules = {info.name for info in pkgutil.iter_modules(kernels.__path__)}
    named_for_chainer = {name for name in modules if hasattr(F, name)}
    assert named_for_chainer <= set(kernels.FAST)  # a kernel module nobody switches to
    for name, function in kernels.FAST.items():
        assert kernels.CHAINER[name].__module__.startswith('chainer.functions.')
        assert callable(function) and function is not kernels.CHAINER[name]
        assert function.__module__.startswith('netlib.kernels.')
        if name in named_for_chainer:  # its own module, or no_graph's, which falls back to it
            assert function.__module__ in (f'netlib.kernels.{name}', 'netlib.kernels.no_graph')
    for name, fast_class in kernels.FAST_OPTIMIZERS.items():
        assert issubclass(fast_class, getattr(chainer.optimizers, name))
        assert fast_class is not getattr(chainer.optimizers, name)
    assert kernels.NAMES == ('fast', 'chainer')
    assert set(kernels.LINK_MODULES.values()) == {convolution_module, linear_module,
                                                  embed_id_module}
