"""``--config FILE`` and ``--print-config``: a run's settings as a file, after LightningCLI.

A config is a JSON (or, with PyYAML, YAML) mapping of flag names, spelled as
in ``args`` (``batchsize``, ``optimizer_arg``), to values::

    netlib run mnist_mlp --print-config > mnist.json   # the resolved settings
    netlib run mnist_mlp --config mnist.json --seed 1  # the same run, another seed

Its values are defaults that the command line's flags override; each goes
through its flag's own type and checks, and a bad key or value is one line and
exit code 2, like a bad flag.  A run folder's ``args`` is a config as it is: it
names its ``experiment`` (another script's refuses to run), and its
``environment``, ``out`` and ``resume`` say where and how that run went, so a
replay leaves them out and writes to the script's own ``--out`` (unless given).
"""

import argparse
import json
import sys
from pathlib import Path

from netlib.cli import registry
from netlib.errors import UsageError
from netlib.training.runs import ARGS

# Not settings: the script these settings are for, and the machine a run folder's ran on.
EXPERIMENT = 'experiment'
RECORD = 'environment'  # only a run folder's args have it
# Where and how a recorded run went: a replay starts afresh in its own folder.
RECORD_ONLY = ('out', 'resume')
# The flags that read and print a config: not settings themselves.
OWN = ('config', 'print_config')


def add_flags(group):
    """``--config`` and ``--print-config``, in every script's *group*."""
    for action in (
            group.add_argument('--config', metavar='FILE',
                               help="JSON or YAML of flag names (as in a run folder's args) "
                                    'to values: defaults that the flags given override'),
            group.add_argument('--print-config', action='store_true',
                               help='print the resolved settings as JSON for --config and '
                                    'exit')):
        action.shared = True


def script_name(caller_globals):
    """The experiment whose ``main`` parses its flags, from its module's globals.

    Its module (``experiments.mnist_mlp``), also when run with ``python -m``;
    a script run from its path is that file.  netlib's own callers
    (``netlib.api.train``: a model from Python, which no config can rebuild)
    are no experiment: None.
    """
    name = caller_globals.get('__name__', '__main__')
    if name == '__main__' and caller_globals.get('__spec__'):  # python -m MODULE
        return caller_globals['__spec__'].name
    imported = getattr(sys.modules.get(name), '__dict__', None) is caller_globals
    if name == '__main__' or not imported:  # python SCRIPT, netlib run SCRIPT
        file = caller_globals.get('__file__')
        return file and str(Path(file).resolve())
    return None if name.split('.')[0] == 'netlib' else name


def short_name(experiment):
    """``experiments.mnist_mlp`` and ``.../mnist_mlp.py`` -> ``mnist_mlp``."""
    return Path(experiment).stem if experiment.endswith('.py') else experiment.split('.')[-1]


def recorded_experiment(folder):
    """The experiment that made run *folder*, as :func:`netlib.cli.registry.load` takes it:
    the registered name of the module its args name, or a script's path; for args written
    before they named it, the folder's own name (results/NAME)."""
    path = Path(folder) / ARGS
    try:
        recorded = json.loads(path.read_text())
    except OSError as error:
        raise UsageError(f'cannot read {path}: {error.strerror}') from None
    except ValueError:
        recorded = None
    if not isinstance(recorded, dict):
        raise UsageError(f"{path} is not a run's args (a JSON mapping)")
    experiment = recorded.get(EXPERIMENT) or Path(folder).resolve().name
    if not isinstance(experiment, str):
        raise UsageError(f'{path}: its experiment {experiment!r} is not a name')
    if experiment.endswith('.py'):
        return experiment
    names = {point.module: name
             for name, point in registry.registered(registry.EXPERIMENTS).items()}
    return names.get(experiment, short_name(experiment))


def parse_args(parser, argv, experiment):
    """*argv* over the settings of its ``--config`` file; ``args.experiment`` set."""
    argv = sys.argv[1:] if argv is None else list(argv)
    given = parser.parse_args(argv)
    if given.config is not None:
        settings = read(parser, given.config)
        check_experiment(parser, given.config, settings.get(EXPERIMENT), experiment)
        tokens = config_tokens(parser, given.config, settings, given)
        checked(parser, given.config, tokens)
        given = parser.parse_args([*tokens, *argv])
    del given.config
    given.experiment = experiment
    return given


def read(parser, path):
    """The mapping in *path*: JSON, else YAML where PyYAML is installed."""
    try:
        text = Path(path).read_text()
    except OSError as error:
        parser.error(f'--config {path}: cannot read it: {error.strerror}')
    except UnicodeDecodeError:
        text = ''  # not text: refused below
    try:
        settings = json.loads(text)
    except ValueError:
        settings = yaml_or_none(parser, path, text)
    if not isinstance(settings, dict):
        parser.error(f'--config {path}: not a JSON or YAML mapping of flag names to values')
    return settings


def yaml_or_none(parser, path, text):
    try:
        import yaml
    except ImportError:
        parser.error(f'--config {path}: not JSON, and YAML needs PyYAML (pip install pyyaml)')
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def check_experiment(parser, path, recorded, experiment):
    if recorded is None or experiment is None:
        return
    if not isinstance(recorded, str) or short_name(recorded) != short_name(experiment):
        parser.error(f'--config {path}: its settings are for experiment {recorded!r}, not '
                     f'{short_name(experiment)}')


def config_tokens(parser, path, settings, given):
    """*settings* as flags (``--epoch=20``), checked later by the flags' own types.

    A repeatable flag given on the command line replaces the config's list.
    """
    actions = {action.dest: action for action in parser._actions
               if action.option_strings and action.dest not in OWN
               and action.dest != argparse.SUPPRESS}
    ignored = {EXPERIMENT, RECORD, *(RECORD_ONLY if RECORD in settings else ())}
    tokens = []
    for key, value in settings.items():
        if key in ignored:
            continue
        action = actions.get(key)
        if action is None:
            parser.error(f'--config {path}: unknown key {key!r}: not a flag of this '
                         'experiment')
        if isinstance(action, argparse._AppendAction) and \
                getattr(given, key) != action.default:
            continue  # given on the command line
        flags = as_flags(action, value)
        if flags is None:
            parser.error(f'--config {path}: {key}: {value!r} is not a value of '
                         f'{action.option_strings[0]}')
        tokens += flags
    return tokens


def as_flags(action, value):
    """*value* of *action* as its flags, or None where no flag gives it."""
    option = next(option for option in action.option_strings if option.startswith('--'))
    if value is None:  # no flag gives None: only a default can be it
        return [] if action.default is None else None
    if isinstance(action, argparse.BooleanOptionalAction):
        return [action.option_strings[value is False]] if isinstance(value, bool) else None
    if action.nargs == 0:  # store_true, store_false: the flag, or else its default
        return [option] if value is action.const else [] if value is action.default else None
    if isinstance(action, argparse._AppendAction):  # repeated
        items = [value] if isinstance(value, str) else value
        texts = [as_text(item) for item in items] if isinstance(items, list) else [None]
        return None if None in texts else [f'{option}={text}' for text in texts]
    text = as_list(value) if isinstance(value, (list, tuple)) else as_text(value)
    return None if text is None else [f'{option}={text}']


def as_list(values):
    """A list as the command line spells it: ``3,2,1``."""
    texts = [as_text(value) for value in values]
    return None if not texts or None in texts else ','.join(texts)


def as_text(value):
    """A number or a string as the command line spells it; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    return str(value)  # a float's str is its shortest exact spelling


def checked(parser, path, tokens):
    """Parse the config's flags alone, so that a bad value names the file."""
    exits, parser.exit_on_error = parser.exit_on_error, False
    try:
        parser.parse_args(tokens)
    except argparse.ArgumentError as error:
        parser.error(f'--config {path}: {error}')
    finally:
        parser.exit_on_error = exits


def print_if_asked(args):
    """With ``--print-config``: print *args* as a config, exit 0 (the run is not made)."""
    if args.print_config:
        settings = {key: list(value) if isinstance(value, tuple) else value
                    for key, value in vars(args).items() if key != 'print_config'}
        print(json.dumps(settings, indent=4, sort_keys=True))
        sys.exit(0)
    del args.print_config
