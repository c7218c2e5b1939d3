"""The one flag vocabulary of every experiment, after Chainer's examples.

A script declares only its defaults, nanoGPT-style, and the flags that are
its own::

    DEFAULTS = dict(
        epoch=20,           # sweeps over the training set
        batchsize=100,
        optimizer='adam',
        out='runs/mnist_mlp',
    )

    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)

Every shared flag named in ``DEFAULTS`` is added from :data:`VOCABULARY`
with its type, help text and validation, in the same help group in every
script; ``--device``, ``--seed``, ``--out``, ``--progress`` and ``--kernels``
are in every script, with ``--config FILE`` and ``--print-config``
(:mod:`netlib.cli.config`).  A script that trains also gets ``--resume`` and
``--frequency``.  Bad input ends in one line and exit code 2
(:class:`netlib.cli.ArgumentParser`).
"""

import argparse
import math
import sys

from netlib import cli, optimizers
from netlib.cli import config
from netlib.cli.memory import refuse_unless_fits, weights_bytes
from netlib.scale import parallel
from netlib import steps
from netlib.errors import UsageError

GROUPS = ('data', 'model', 'training', 'optimizer', 'run')

# Larger layers or batches cannot fit in memory on any machine netlib runs on;
# refusing them here gives one line instead of a MemoryError traceback.
MAX_UNITS = 10 ** 6
MAX_BATCHSIZE = 10 ** 6
# NumPy's RandomState takes no larger seed.
MAX_SEED = 2 ** 32 - 1


def _number(text, kind, what):
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'must be {what}, got {text!r}') from None


def positive_int(text):
    value = _number(text, int, 'an integer')
    if value <= 0:
        raise argparse.ArgumentTypeError(f'must be a positive integer, got {text!r}')
    return value


def bounded_int(limit):
    """A positive integer at most *limit*."""
    def parse(text):
        value = positive_int(text)
        if value > limit:
            raise argparse.ArgumentTypeError(f'must be at most {limit:,}, got {text!r}')
        return value
    return parse


def positive_float(text):
    value = _number(text, float, 'a number')
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f'must be a positive finite number, got {text!r}')
    return value


def nonnegative_float(text):
    value = _number(text, float, 'a number')
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f'must be a finite number >= 0, got {text!r}')
    return value


def seed_value(text):
    """A seed NumPy accepts: an integer from 0 to 2**32 - 1."""
    value = _number(text, int, 'an integer')
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f'must be between 0 and 2**32 - 1, got {text!r}')
    return value


def consecutive_seeds(seed, count, flag):
    """``[seed, seed + 1, ..., seed + count - 1]``, refused in one line before any work
    where the last passes what NumPy accepts (*flag* sets *count*)."""
    last = seed + count - 1
    if last > MAX_SEED:
        raise UsageError(f'--seed {seed} with {flag} {count} needs seeds up to {last}, past '
                         f'2**32 - 1, the largest NumPy accepts; give a smaller --seed')
    return list(range(seed, seed + count))


def folder(text):
    if not text.strip():
        raise argparse.ArgumentTypeError('must name a folder, got an empty string')
    return text


def unit_list(text):
    """``'3,2,1'`` -> ``(3, 2, 1)``: input size, hidden sizes, output size."""
    parts = [_number(part, int, 'comma-separated integers, e.g. 3,2,1')
             for part in text.split(',')]
    if len(parts) < 2 or min(parts) <= 0:
        raise argparse.ArgumentTypeError(f'needs at least two positive sizes (input and '
                                         f'output), e.g. 3,2,1; got {text!r}')
    if max(parts) > MAX_UNITS:
        raise argparse.ArgumentTypeError(f'a layer of more than {MAX_UNITS:,} units cannot '
                                         f'fit in memory; got {text!r}')
    return tuple(parts)


def name_list(choose):
    """A comma-separated list of names, each checked by *choose* (which may rename it)."""
    def parse(text):
        names = [choose(name.strip()) for name in text.split(',') if name.strip()]
        if not names:
            raise argparse.ArgumentTypeError('needs at least one name')
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise argparse.ArgumentTypeError(f'names {", ".join(repeated)} more than once')
        return names
    return parse


def activation(text):
    if text not in steps.ACTIVATIONS:
        raise argparse.ArgumentTypeError(f'unknown activation {text!r}; choose one of: '
                                         f'{", ".join(steps.ACTIVATIONS)}')
    return text


def optimizer_name(text):
    try:
        return optimizers.resolve(text)
    except UsageError as error:  # it lists the choices
        raise argparse.ArgumentTypeError(str(error)) from None


# name -> (group, option strings, argparse keywords).
VOCABULARY = {
    'data_dir': ('data', ('--data-dir',), dict(
        help='folder holding mnist/ and dlfs/ (default: $NETLIB_DATA_DIR, else the '
             'per-user cache, downloading when online)')),
    'train_size': ('data', ('--train-size',), dict(
        type=positive_int, help='use only the first N training examples')),
    'test_size': ('data', ('--test-size',), dict(
        type=positive_int, help='use only the first N test examples')),
    'unit': ('model', ('--unit', '-u'), dict(
        type=bounded_int(MAX_UNITS), help='units in each hidden layer')),
    'units': ('model', ('--units',), dict(
        type=unit_list, help='every layer size from input to output, e.g. 3,2,1')),
    'hidden_layers': ('model', ('--hidden-layers',), dict(
        type=positive_int, help='hidden layers (the output layer comes on top)')),
    'activation': ('model', ('--activation',), dict(
        type=activation, help=f'activation between layers: {", ".join(steps.ACTIVATIONS)}')),
    'epoch': ('training', ('--epoch', '-e'), dict(
        type=positive_int, help='number of sweeps over the training data')),
    'iteration': ('training', ('--iteration',), dict(
        type=positive_int, help='number of updates')),
    'batchsize': ('training', ('--batchsize', '-b'), dict(
        type=bounded_int(MAX_BATCHSIZE), help='number of examples in each mini-batch')),
    'frequency': ('training', ('--frequency', '-f'), dict(
        type=positive_int, help='take a snapshot every this many epochs (iterations where '
                                'the script counts --iteration)')),
    'resume': ('training', ('--resume', '-r'), dict(
        nargs='?', const='auto', metavar='SNAPSHOT',
        help='continue from SNAPSHOT, or without a value from the latest snapshot in --out')),
    'optimizer': ('optimizer', ('--optimizer',), dict(
        type=optimizer_name, help='any optimizer in chainer.optimizers, by class name or '
                                  'alias (case-insensitive); see --list-optimizers')),
    'lr': ('optimizer', ('--lr',), dict(
        type=positive_float, help="learning rate, passed as the optimizer's lr or alpha "
                                  "(default: the optimizer's own)")),
    'optimizer_arg': ('optimizer', ('--optimizer-arg',), dict(
        action='append', metavar='KEY=VALUE',
        help='another constructor argument, e.g. momentum=0.8 (repeatable)')),
    'weight_decay': ('optimizer', ('--weight-decay',), dict(
        type=nonnegative_float, help='L2 weight decay rate (optimizer hook WeightDecay)')),
    'grad_clip': ('optimizer', ('--grad-clip',), dict(
        type=positive_float, help='clip the gradient L2 norm (optimizer hook '
                                  'GradientClipping)')),
    'device': ('run', ('--device', '-d'), dict(
        help='-1 or @numpy for the CPU; 0 or @cupy:0 for the first GPU')),
    'seed': ('run', ('--seed',), dict(
        type=seed_value, help='seed of every random stream (same seed, same numbers on CPU)')),
    'out': ('run', ('--out', '-o'), dict(
        type=folder, help='run folder; an earlier, non-empty one is never overwritten (a '
                          'numbered sibling is made instead)')),
    'progress': ('run', ('--progress',), dict(
        action=argparse.BooleanOptionalAction,
        help='a progress bar on stderr (default: when stderr is a terminal); the lines '
             'stay on stdout')),
    'communicator': ('run', ('--communicator',), dict(
        choices=parallel.COMMUNICATORS,
        help='train data-parallel with this ChainerMN communicator under mpiexec -n K '
             '(netlib run --np K NAME): --batchsize per worker; naive on the CPU')),
    'kernels': ('run', ('--kernels',), dict(
        choices=('fast', 'chainer'),
        help="netlib's kernels (compiled ones on the CPU; on a GPU the recurrent window, "
             "Chainer's for the rest) or Chainer's own functions (default: fast)")),
}

# A tuple default for one of these makes its flag a comma-separated list.
COMPARABLE = ('activation', 'optimizer')

# Shared flags every script has, with their defaults.
ALWAYS = dict(device='-1', seed=0, progress=None, kernels=None)
TRAINING = dict(frequency=1, resume=None)
OPTIMIZER = dict(lr=None, optimizer_arg=[], weight_decay=0.0, grad_clip=None)


def with_implied(defaults):
    """*defaults* plus the shared flags they imply (resume with a training length...)."""
    implied = dict(ALWAYS)
    if 'epoch' in defaults or 'iteration' in defaults:
        implied.update(TRAINING)
    if 'optimizer' in defaults:
        implied.update(OPTIMIZER)
    return {**implied, **defaults}


def make_parser(description, defaults, add_flags=None, epilog=None):
    """The parser of a script: its shared flags from *defaults*, then its own."""
    parser = cli.ArgumentParser(description=description.split('\n\n')[0], epilog=epilog)
    defaults = with_implied(defaults)
    groups = {title: parser.add_argument_group(title) for title in GROUPS}
    for name, (group, options, keywords) in VOCABULARY.items():
        if name not in defaults:
            continue
        keywords = dict(keywords, default=defaults[name])
        if name == 'lr' and defaults[name] is not None:  # the script's: applied in parse
            keywords.update(default=None, help=f"learning rate, passed as the optimizer's lr "
                                                f'or alpha (default: {defaults[name]:g} where '
                                                'the optimizer has one)')
        if name in COMPARABLE and isinstance(defaults[name], tuple):  # compares several
            keywords.update(type=name_list(keywords['type']), default=','.join(defaults[name]),
                            help=keywords['help'] + ' (comma-separated: compares each)')
        action = groups[group].add_argument(*options, **keywords)
        action.shared = True  # tests tell the vocabulary's flags from a script's own
    config.add_flags(groups['run'])
    if 'optimizer' in defaults:
        groups['optimizer'].add_argument('--list-optimizers', action=optimizers.ListOptimizers,
                                         help='print every optimizer with its defaults and exit')
    if add_flags:
        add_flags(parser.add_argument_group(f'{parser.prog} only'))
    return parser


def parse(argv, description, defaults, add_flags=None, epilog=None):
    """Parse *argv* over its ``--config`` file; check the optimizer flags together (errors
    exit 2).  ``args.experiment`` is the calling script, for its run folder's ``args``.

    ``args.lr`` is ``--lr``, else the script's default lr where the optimizer takes it
    (:func:`netlib.optimizers.script_learning_rate`), else None.
    """
    parser = make_parser(description, defaults, add_flags, epilog)
    args = config.parse_args(parser, argv, config.script_name(sys._getframe(1).f_globals))
    if getattr(args, 'optimizer', None):
        chosen = args.optimizer if isinstance(args.optimizer, list) else [args.optimizer]
        try:
            if args.lr is None:
                args.lr = optimizers.script_learning_rate(chosen, args.optimizer_arg,
                                                          defaults.get('lr'))
            if not isinstance(args.optimizer, list):  # a list's, as each is created
                optimizers.create(args.optimizer, args.lr, args.optimizer_arg)
        except UsageError as error:
            parser.error(str(error))
    try:
        refuse_unless_fits(net_bytes(args), 'a net of these --units, --unit and --hidden-layers')
    except UsageError as error:
        parser.error(str(error))
    config.print_if_asked(args)
    return args


def net_bytes(args):
    """:func:`weights_bytes` of the layers the size flags describe (--hidden-layers of --unit,
    or --units); 0 where they describe none."""
    sizes = getattr(args, 'units', None)
    if sizes:
        return weights_bytes(zip(sizes, sizes[1:]))
    if getattr(args, 'hidden_layers', None) and getattr(args, 'unit', None):
        # counted, not listed: no tuple of --hidden-layers sizes to estimate from
        return args.hidden_layers * weights_bytes([(args.unit, args.unit)])
    return 0


def command_line(options):
    """``{'epoch': 1, 'progress': False, 'activation': ('relu', 'tanh')}`` as flags."""
    argv = []
    for name, value in options.items():
        option = '--' + name.replace('_', '-')
        if value is True:
            argv.append(option)
        elif value is False:
            argv.append('--no-' + name.replace('_', '-'))
        elif isinstance(value, (list, tuple)):
            argv += [option, ','.join(map(str, value))]
        else:
            argv += [option, str(value)]
    return argv
