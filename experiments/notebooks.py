"""``notebooks/NAME.ipynb``: a Jupyter notebook per registered run, made from its script.

Each notebook is its script's ``main()``, a cell a numbered section
(:mod:`netlib.notebooks`), opened by its source (the post's title, the links),
run at the setting ``make reproduce`` gives it (:data:`SHORTER` where that takes
many minutes here), with its outputs and plots.  The script is the one source:
a notebook is made again, never edited, and ``tests/test_notebooks.py`` fails where
one's code is no longer its script's::

    python -m experiments.notebooks [NAME ...]     # or: make notebooks
"""

import importlib
import shlex
import tempfile

from netlib import cli
from netlib.notebooks import writing
from experiments import posts
from experiments.registry import EXPERIMENTS
from experiments.report import ROOT

NOTEBOOKS = ROOT / 'notebooks'
# Runs whose reproduce setting takes ten minutes here: a shorter one, said in the first cell.
SHORTER = {'transfer_learning': ('--seeds', '2')}


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('names', nargs='*', metavar='NAME',
                        help='the runs to make notebooks of (default: every one: '
                             f'{", ".join(experiment.name for experiment in EXPERIMENTS)})')
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - {experiment.name for experiment in EXPERIMENTS})
    if unknown:
        parser.error(f'no registered run named {", ".join(unknown)}')
    return args


def flags(experiment):
    """The flags the notebook runs with: the reproduce setting, or :data:`SHORTER`."""
    return [*experiment.args, *SHORTER.get(experiment.name, ())]


def command(experiment):
    """``netlib run SCRIPT FLAGS``: what the notebook's outputs are."""
    return shlex.join(['netlib', 'run', experiment.script or experiment.name,
                       *flags(experiment)])


def made(experiment):
    """The notebook of *experiment*, not run yet."""
    module = importlib.import_module(experiment.module)
    return writing.experiment_notebook(module, flags(experiment), header(experiment, module),
                                       experiment.plots)


def header(experiment, module):
    """The first cell: the source's title, its links, what the post printed, what the
    script does (its docstring), the setting if shorter than the reproduce run's."""
    post = next((post for post in posts.POSTS if experiment.source.startswith(str(post))), None)
    title = f'「{post.title}」, {post.blog}' if post else experiment.source.split(' (')[0]
    lines = [f'# {experiment.name}: {title}', '', f'Source: {experiment.source}.']
    if experiment.links:
        lines += ['', 'Links: ' + ', '.join(f'[{label}]({address})'
                                            for label, address in experiment.links) + '.']
    if post:
        lines += ['', f"The post's own address is not recorded here; its text is "
                      f'`shared/seeds/{post.file}` beside this repository.']
    printed = dict.fromkeys(target.quote.line for target in experiment.targets if target.quote)
    if printed:
        lines += ['', 'The post printed: ' + '; '.join(f'`{line}`' for line in printed) + '.']
    lines += ['', writing.markdown(module.__doc__)]
    if experiment.name in SHORTER:
        lines += ['', f'`make reproduce` runs {shlex.join(experiment.args) or "the defaults"}; '
                      f'this notebook adds `{shlex.join(SHORTER[experiment.name])}` to run in '
                      'minutes, so its numbers are not those of results/README.md.']
    return '\n'.join(lines)


def write(experiment):
    """Make, run and write ``notebooks/NAME.ipynb``, its run folder in a temporary folder
    (so that it prints ``runs/NAME``); the seconds it ran."""
    NOTEBOOKS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        return writing.run_and_write(made(experiment), NOTEBOOKS / f'{experiment.name}.ipynb',
                                     command(experiment), folder, pythonpath=[ROOT])


def main(argv=None):
    args = parse_args(argv)
    chosen = [experiment for experiment in EXPERIMENTS
              if not args.names or experiment.name in args.names]
    for experiment in chosen:
        seconds = write(experiment)
        print(f'notebooks/{experiment.name}.ipynb: {command(experiment)}, '
              f'{writing.duration(seconds)}', flush=True)


if __name__ == '__main__':
    cli.run_main(main)
