"""The experiments and commands that installed packages register, found by name or by path.

A package offers experiments to ``netlib run``, ``netlib tune`` and :func:`netlib.run`
through the entry-point group ``netlib.experiments`` (a name and its module), and
subcommands of ``netlib`` through ``netlib.commands`` (a name and its ``main(argv)``)::

    # the package's setup.py
    entry_points={'netlib.experiments': ['my_net = my_package.my_net'],
                  'netlib.commands': ['leaderboard = my_package.leaderboard:main']}

An experiment module has ``main(argv)``, which returns its metrics dict, and may
declare ``DEFAULTS`` (its shared flags, :mod:`netlib.cli.flags`; a ``communicator``
there allows ``netlib run --np``), ``add_flags`` (its own flags) and ``SEARCH_SPACE``
(:mod:`netlib.scale.search`, for ``netlib tune``).  Its docstring's first paragraph,
shortened to a line, describes it in ``netlib list``.  A ``.py`` script of the same shape runs from its
path without being registered.
"""

import ast
import importlib.metadata
import importlib.util
import sys
import textwrap
from pathlib import Path

from netlib.errors import UsageError

EXPERIMENTS = 'netlib.experiments'
COMMANDS = 'netlib.commands'
DESCRIPTION_WIDTH = 100  # characters of a docstring's first paragraph shown in a listing


def registered(group):
    """{name: entry point} of *group* in every installed package, sorted by name.

    A name two packages register is the one found first on ``sys.path``, as an import is.
    """
    found = importlib.metadata.entry_points()
    # Python 3.9 returns a dict of groups; 3.10 on, a selectable collection.
    points = found.select(group=group) if hasattr(found, 'select') else found.get(group, ())
    named = {}
    for point in points:
        named.setdefault(point.name, point)
    return dict(sorted(named.items()))


def is_script(name):
    """Whether *name* is a script's path rather than a registered name."""
    return name.endswith('.py')


def load(name):
    """The experiment module registered as *name*, or the script at the path *name*."""
    if is_script(name):
        module = load_script(Path(name))
    else:
        experiments = registered(EXPERIMENTS)
        if name not in experiments:
            raise UsageError(f'unknown experiment {name!r}; choose one of: '
                             f'{", ".join(experiments)} (or give the path of a .py script)')
        module = experiments[name].load()
    if not callable(getattr(module, 'main', None)):
        raise UsageError(f'{name} is not an experiment: it has no main(argv)')
    return module


def load_script(path):
    """The module of the script at *path*, its folder searched for its imports first, as
    under ``python script.py``."""
    if not path.is_file():
        raise UsageError(f'no script {path}')
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def origin(point):
    """Where an entry point comes from: its module and the package that registers it."""
    package = getattr(point, 'dist', None)  # Python 3.10 on
    return f'{point.value} ({package.name} {package.version})' if package else point.value


def description(module, name=None):
    """The first paragraph, shortened to a line, of the docstring of *module* or of its
    function or class *name* (else the module's), read from the source without running it."""
    try:
        spec = importlib.util.find_spec(module)
    except ImportError:  # its package is missing
        spec = None
    if spec is None or not spec.has_location:
        return '(its module is not installed)'
    tree = ast.parse(Path(spec.origin).read_bytes())
    defined = [node for node in tree.body if name and getattr(node, 'name', None) == name]
    docstring = (defined and ast.get_docstring(defined[0])) or ast.get_docstring(tree) or ''
    paragraph = docstring.split('\n\n')[0].rstrip(':')  # '::' opens a literal block
    return textwrap.shorten(paragraph, DESCRIPTION_WIDTH, placeholder=' ...')


def list_experiments(details=None):
    """Print every registered experiment: its name and description, where it comes from,
    and the lines ``details(name)`` adds (a package's own, such as its targets)."""
    for name, point in registered(EXPERIMENTS).items():
        print(f'{name}  {description(point.module)}\n  from {origin(point)}')
        for line in details(name) if details else ():
            print(f'  {line}')
