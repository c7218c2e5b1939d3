"""One vocabulary: every experiment's parser has the shared flags from netlib.cli.flags alone."""

import argparse
import importlib
import json

import numpy as np
import pytest

from conftest import parser_of
from experiments.registry import EXPERIMENTS
from netlib import optimizers
from netlib.cli import flags
from netlib.errors import UsageError

MODULES = sorted({experiment.module for experiment in EXPERIMENTS})
# The dialects the vocabulary replaced; no script may bring one back as its own flag.
DIALECTS = {'--epochs', '--iterations', '--hidden-units', '--hidden', '--activations',
            '--conv-activation', '--noprogress', '--optimizers', '--limit', '--units-list'}


def shared_options():
    return {option for _, options, _ in flags.VOCABULARY.values() for option in options}


@pytest.mark.parametrize('module_name', MODULES)
def test_shared_flags_come_from_the_vocabulary(module_name):
    parser = parser_of(module_name)
    assert parser.allow_abbrev is False
    titles = {id(action): group.title for group in parser._action_groups
              for action in group._group_actions}
    for action in parser._actions:
        if action.dest not in flags.VOCABULARY:
            continue
        group, options, keywords = flags.VOCABULARY[action.dest]
        assert getattr(action, 'shared', False), f'{module_name} defines {options[0]} itself'
        assert tuple(action.option_strings)[:len(options)] == options  # + --no-progress
        assert titles[id(action)] == group
        if 'type' in keywords and action.dest not in flags.COMPARABLE:
            assert action.type is keywords['type']


@pytest.mark.parametrize('module_name', MODULES)
def test_own_flags_are_not_shared_names_or_old_dialects(module_name):
    parser = parser_of(module_name)
    for action in parser._actions:
        if getattr(action, 'shared', False) or isinstance(action, argparse._HelpAction):
            continue
        assert not set(action.option_strings) & (shared_options() | DIALECTS), \
            f'{module_name}: {action.option_strings}'


@pytest.mark.parametrize('module_name', MODULES)
def test_every_script_has_the_run_flags_in_the_same_group_order(module_name):
    parser = parser_of(module_name)
    options = {option for action in parser._actions for option in action.option_strings}
    assert {'--device', '--seed', '--out', '--progress', '--no-progress', '--kernels'} <= options
    titles = [group.title for group in parser._action_groups if group._group_actions]
    shared = [title for title in titles if title in flags.GROUPS]
    assert shared == sorted(shared, key=flags.GROUPS.index)


def test_a_training_script_gets_resume_and_frequency():
    parser = flags.make_parser('x', {'epoch': 3})
    args = parser.parse_args(['--resume'])
    assert (args.resume, args.frequency, args.epoch) == ('auto', 1, 3)


def test_prefixes_are_not_matched():
    parser = flags.make_parser('x', {'epoch': 3, 'optimizer': 'sgd'})
    with pytest.raises(SystemExit):
        parser.parse_args(['--epo', '1'])


def test_a_tuple_default_makes_a_list_flag():
    parser = flags.make_parser('x', {'optimizer': ('sgd', 'adam'), 'activation': ('relu',)})
    args = parser.parse_args(['--optimizer', 'momentum,adagrad', '--activation', 'tanh,relu'])
    assert args.optimizer == ['MomentumSGD', 'AdaGrad']
    assert args.activation == ['tanh', 'relu']
    assert parser.parse_args([]).optimizer == ['SGD', 'Adam']


# The scripts whose DEFAULTS give a learning rate (test_the_default_lr_scripts_are_known).
DEFAULT_LR_MODULES = ('experiments.rnn_vs_lstm', 'experiments.seq2seq_addition',
                      'experiments.word2vec')


def test_the_default_lr_scripts_are_known():
    assert DEFAULT_LR_MODULES == tuple(
        name for name in MODULES if importlib.import_module(name).DEFAULTS.get('lr'))


def printed_config(module, capsys, *argv):
    with pytest.raises(SystemExit) as exit:
        module.main([*argv, '--print-config'])
    assert exit.value.code == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize('module_name', DEFAULT_LR_MODULES)
def test_a_scripts_default_lr_is_not_a_users_lr(module_name, capsys):
    """Issue 9: `rnn_vs_lstm --optimizer adadelta` was refused as if --lr had been given."""
    module = importlib.import_module(module_name)
    assert printed_config(module, capsys)['lr'] == module.DEFAULTS['lr']
    chosen = printed_config(module, capsys, '--optimizer', 'adadelta')
    assert (chosen['optimizer'], chosen['lr']) == ('AdaDelta', None)
    rate = optimizers.learning_rate_name(optimizers.resolve(module.DEFAULTS['optimizer']))
    assert printed_config(module, capsys, '--optimizer-arg', f'{rate}=0.5')['lr'] is None
    with pytest.raises(SystemExit) as exit:  # a user's --lr still is refused
        module.main(['--optimizer', 'adadelta', '--lr', '0.1'])
    error = capsys.readouterr().err
    assert exit.value.code == 2 and error.count('\n') == 1
    assert 'AdaDelta has no learning rate; leave out --lr' in error


def test_rnn_vs_lstm_trains_with_adadelta(tmp_path):
    from experiments import rnn_vs_lstm
    out = tmp_path / 'run'
    metrics = rnn_vs_lstm.main(['--optimizer', 'adadelta', '--lengths', '2', '--iteration',
                                '2', '--batchsize', '4', '--unit', '3', '--test-size', '8',
                                '--out', str(out), '--no-progress'])
    assert metrics['lengths'] == [2]
    recorded = json.loads((out / 'args').read_text())
    assert (recorded['optimizer'], recorded['lr']) == ('AdaDelta', None)


def test_an_lr_given_from_python_is_the_callers_own():
    import netlib
    from chainer.datasets import TupleDataset
    data = TupleDataset(np.zeros((4, 2), np.float32), np.zeros(4, np.int32))
    with pytest.raises(netlib.UsageError, match='AdaDelta has no learning rate'):
        netlib.train(netlib.Classifier(netlib.MLP((2, 2))), data, optimizer='adadelta', lr=0.1)


def test_consecutive_seeds_stop_at_the_largest_numpy_takes():
    assert flags.consecutive_seeds(3, 2, '--repeats') == [3, 4]
    largest = flags.MAX_SEED
    assert flags.consecutive_seeds(largest - 1, 2, '--repeats') == [largest - 1, largest]
    with pytest.raises(UsageError, match=f'--seed {largest} with --repeats 2 needs seeds up '
                                         f'to {largest + 1}'):
        flags.consecutive_seeds(largest, 2, '--repeats')
