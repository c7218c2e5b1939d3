"""Every optimizer in ``chainer.optimizers``, chosen by name from the command line.

The registry is read from Chainer itself, so a new Chainer optimizer class
appears here without an edit.  ``--lr`` is mapped to the optimizer's own name
for its step size (``lr`` for the SGD family, ``alpha`` for the Adam family).
"""

import argparse
import inspect
import math

import chainer
from chainer import optimizer_hooks

from netlib import kernels
from netlib.errors import UsageError

ALIASES = {
    'sgd': 'SGD',
    'momentum': 'MomentumSGD',
    'nesterov': 'NesterovAG',
    'corrected_momentum': 'CorrectedMomentumSGD',
    'adagrad': 'AdaGrad',
    'adadelta': 'AdaDelta',
    'rmsprop': 'RMSprop',
    'rmsprop_graves': 'RMSpropGraves',
    'adam': 'Adam',
    'adamw': 'AdamW',
    'amsgrad': 'AMSGrad',
    'adabound': 'AdaBound',
    'amsbound': 'AMSBound',
    'smorms3': 'SMORMS3',
    'msvag': 'MSVAG',
}


def registry():
    """Class name -> optimizer class, for every optimizer Chainer ships.

    The kernels switch says which class a name gives: under ``--kernels fast``
    a compiled drop-in subclass where there is one (same results,
    :func:`netlib.kernels.optimizer_class`).
    """
    classes = {}
    for name in dir(chainer.optimizers):
        value = getattr(chainer.optimizers, name)
        if inspect.isclass(value) and issubclass(value, chainer.Optimizer):
            classes[name] = kernels.optimizer_class(name, value)
    return dict(sorted(classes.items()))


def resolve(name):
    """The Chainer class name for *name*, an alias or any-case class name."""
    classes = registry()
    by_lower = {class_name.lower(): class_name for class_name in classes}
    key = name.strip().lower()
    found = ALIASES.get(key) or by_lower.get(key)
    if found is None:
        choices = ', '.join(sorted(set(ALIASES) | set(by_lower)))
        raise UsageError(f'unknown optimizer {name!r}; choose one of: {choices}')
    return found


def hyperparameters(class_name):
    """The optimizer's constructor keywords and their defaults."""
    signature = inspect.signature(registry()[class_name].__init__)
    return {name: parameter.default for name, parameter in signature.parameters.items()
            if name != 'self'}


def learning_rate_name(class_name):
    """``lr`` or ``alpha`` (Adam family), or None where there is none (AdaDelta)."""
    names = hyperparameters(class_name)
    if 'lr' in names:
        return 'lr'
    if 'alpha' in names:
        return 'alpha'
    return None


def parse_option(text, class_name):
    """``KEY=VALUE`` -> (key, value), checked against the optimizer's signature."""
    key, sep, raw = text.partition('=')
    key = key.strip().replace('-', '_')
    if not sep or not key:
        raise UsageError(f'--optimizer-arg {text!r} is not KEY=VALUE')
    defaults = hyperparameters(class_name)
    if key not in defaults:
        raise UsageError(f'{class_name} has no argument {key!r}; '
                         f'it takes: {", ".join(defaults)}')
    return key, _convert(raw.strip(), defaults[key], f'--optimizer-arg {text!r}')


def _convert(raw, default, where):
    if isinstance(default, bool):
        if raw.lower() not in ('true', 'false', '1', '0'):
            raise UsageError(f'{where}: expected true or false')
        return raw.lower() in ('true', '1')
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f'{where}: {raw!r} is not a number') from None
    if not math.isfinite(value):
        raise UsageError(f'{where}: {raw!r} is not a finite number')
    return value


def script_learning_rate(names, options, default):
    """*default*, a script's learning rate, for the optimizers *names*; None where one of
    them has no learning rate (AdaDelta) or ``KEY=VALUE`` *options* set it.

    A script's default is not the user's ``--lr``: it must not make an optimizer
    without a learning rate impossible to choose, nor clash with ``--optimizer-arg``.
    """
    if default is None:
        return None
    for class_name in map(resolve, names):
        rate = learning_rate_name(class_name)
        if rate is None or rate in dict(parse_option(option, class_name) for option in options):
            return None
    return default


def create(name, lr=None, options=()):
    """A new optimizer: *name* from the registry, *lr* and ``KEY=VALUE`` *options*."""
    class_name = resolve(name)
    kwargs = dict(parse_option(option, class_name) for option in options)
    if lr is not None:
        lr_name = learning_rate_name(class_name)
        if lr_name is None:
            raise UsageError(f'{class_name} has no learning rate; leave out --lr '
                             f'(it takes: {", ".join(hyperparameters(class_name))})')
        if lr_name in kwargs:
            raise UsageError(f'--lr and --optimizer-arg {lr_name}=... both set the learning '
                             'rate; give one')
        kwargs[lr_name] = lr
    return registry()[class_name](**kwargs)


def setup(optimizer, model, weight_decay=0.0, grad_clip=None):
    """Attach *optimizer* to *model* with weight decay and gradient clipping hooks."""
    optimizer.setup(model)
    if weight_decay:
        optimizer.add_hook(optimizer_hooks.WeightDecay(weight_decay))
    if grad_clip:
        optimizer.add_hook(optimizer_hooks.GradientClipping(grad_clip))
    return optimizer


def from_args(args, model):
    """The optimizer the command line asked for, set up on *model*."""
    optimizer = create(args.optimizer, args.lr, args.optimizer_arg)
    return setup(optimizer, model, args.weight_decay, args.grad_clip)


def describe():
    """One line per optimizer: name, aliases, learning-rate name, defaults."""
    aliases = {}
    for alias, class_name in ALIASES.items():
        aliases.setdefault(class_name, []).append(alias)
    lines = []
    for class_name in registry():
        defaults = ', '.join(f'{k}={v}' for k, v in hyperparameters(class_name).items())
        lr_name = learning_rate_name(class_name) or '(none)'
        alias_text = ','.join(aliases.get(class_name, [])) or '-'
        compiled = ('  [netlib compiled update with --kernels fast]'
                    if class_name in kernels.FAST_OPTIMIZERS else '')
        lines.append(f'{class_name:22s} alias {alias_text:18s} --lr sets {lr_name:7s} '
                     f'{defaults}{compiled}')
    return '\n'.join(lines)


class ListOptimizers(argparse.Action):
    """``--list-optimizers``: print the registry and exit, like ``--help``."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(describe())
        parser.exit(0)
