"""One vocabulary: every experiment's parser has the shared flags from netlib.cli.flags alone."""

import argparse
import importlib

import pytest

from experiments.registry import EXPERIMENTS
from netlib.cli import flags
from netlib.errors import UsageError

MODULES = sorted({experiment.module for experiment in EXPERIMENTS})
# The dialects the vocabulary replaced; no script may bring one back as its own flag.
DIALECTS = {'--epochs', '--iterations', '--hidden-units', '--hidden', '--activations',
            '--conv-activation', '--noprogress', '--optimizers', '--limit', '--units-list'}


def parser_of(module_name):
    module = importlib.import_module(module_name)
    return flags.make_parser(module.__doc__, module.DEFAULTS, getattr(module, 'add_flags', None))


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


def test_consecutive_seeds_stop_at_the_largest_numpy_takes():
    assert flags.consecutive_seeds(3, 2, '--repeats') == [3, 4]
    largest = flags.MAX_SEED
    assert flags.consecutive_seeds(largest - 1, 2, '--repeats') == [largest - 1, largest]
    with pytest.raises(UsageError, match=f'--seed {largest} with --repeats 2 needs seeds up '
                                         f'to {largest + 1}'):
        flags.consecutive_seeds(largest, 2, '--repeats')
