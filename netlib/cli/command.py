"""The ``netlib`` command: list, run and tune the experiments installed packages register.

::

    netlib list                           # every experiment: what it does, where from
    netlib run NAME [flags]               # NAME's main(flags); NAME --help: its flags
    netlib run path/to/script.py [flags]  # a script of the same shape, unregistered
    netlib run --np K NAME [flags]        # = mpiexec -n K python -m MODULE
                                          #   --communicator naive [flags]: data-parallel
    netlib rerun RUN_FOLDER [flags]       # RUN_FOLDER's experiment again, from its args
    netlib tune NAME [--trials N] [--storage URL] [flags]   # Optuna searches NAME's flags
    netlib notebook NAME [--ipynb FILE] [flags]   # NAME's main() as a notebook, run
    netlib doctor [--data-dir DIR]        # versions, BLAS, chainer patches, data found
    netlib data chainer-cache             # Chainer's MNIST cache, for its get_mnist()
    netlib COMMAND [flags]                # a command a package registers, such as
                                          #   this repository's reproduce and report
"""

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, NamedTuple

from netlib import cli
from netlib.cli import registry
from netlib.errors import UsageError


class Command(NamedTuple):
    """A subcommand: *add* puts its parser among the subparsers, *run* runs it on its args
    (inside the program entry, :func:`main`)."""

    add: Callable
    run: Callable
    passes_flags_on: bool = False  # flags it does not know go on to what it runs


def add_list(commands):
    commands.add_parser('list', help='every registered experiment: what it does, where from')


def run_list(args):
    registry.list_experiments()


def add_run(commands):
    run = commands.add_parser('run', help='run one experiment (NAME --help: its flags)')
    run.add_argument('--np', type=workers, metavar='K',
                     help='train data-parallel on K MPI processes (ChainerMN), where NAME '
                          'has a --communicator')
    run.add_argument('name', metavar='NAME',
                     help='an experiment (see netlib list) or the path of a .py script')
    run.add_argument('flags', nargs=argparse.REMAINDER, help="the experiment's flags")


def run_experiment(args):
    if args.np:
        run_parallel(args.name, args.np, args.flags)
    else:
        run_alone(args.name, args.flags)


def run_alone(name, flags):
    """NAME's main(flags) in this process; ``--np`` among its flags, netlib run's own, is
    refused with the place it goes."""
    at = next((i for i, flag in enumerate(flags) if flag.split('=')[0] == '--np'), None)
    if at is not None:
        workers = flags[at].partition('=')[2] or (flags[at + 1:] or ['K'])[0]
        raise UsageError(f'--np goes before the name: netlib run --np {workers} {name} '
                         '[flags]')
    return registry.load(name).main(flags)


def add_rerun(commands):
    rerun = commands.add_parser(
        'rerun', help="run a run folder's experiment again with its args as --config, into "
                      "the experiment's own --out unless given")
    rerun.add_argument('folder', metavar='RUN_FOLDER', help='a run folder (it holds args)')
    rerun.add_argument('flags', nargs=argparse.REMAINDER, help='flags that change the run')


def run_rerun(args):
    from netlib.cli import config  # with the run folder's machinery: not for netlib --help
    module = registry.load(config.recorded_experiment(args.folder))
    module.main(['--config', str(Path(args.folder) / config.ARGS), *args.flags])


def add_tune(commands):
    from netlib.scale import tune
    # Its own flags; the rest are the experiment's, fixed for every trial.
    tune.add_arguments(commands.add_parser(
        'tune', help="search NAME's flags with Optuna (the tune extra)",
        usage='netlib tune NAME [options] [flags of NAME, fixed for every trial]',
        description="Optuna searches NAME's SEARCH_SPACE, one run folder a trial; any of "
                    "NAME's own flags given (netlib run NAME --help) are fixed for every trial "
                    'and leave the search.'))


def run_tune(args):
    from netlib.scale import tune
    tune.main(args, registry.load(args.name), args.flags)


def add_notebook(commands):
    notebook = commands.add_parser(
        'notebook', help="NAME's main() as a Jupyter notebook, a cell a section, run with "
                         "the flags given (the notebook extra)",
        usage='netlib notebook NAME [--ipynb FILE] [flags of NAME]')
    notebook.add_argument('name', metavar='NAME',
                          help='an experiment (see netlib list) or the path of a .py script')
    notebook.add_argument('--ipynb', metavar='FILE',
                          help='the notebook to write (default: NAME.ipynb here); its run '
                               'folder goes beside it')


def run_notebook(args):
    try:
        from netlib.notebooks import writing
        from nbclient.exceptions import CellExecutionError
    except ImportError:
        raise UsageError('netlib notebook needs jupytext, nbclient and ipykernel: '
                         "pip install 'netlib[notebook]'") from None
    module = registry.load(args.name)
    path = Path(args.ipynb or f'{Path(args.name).stem}.ipynb')
    if path.exists():
        raise UsageError(f'{path} exists: name another with --ipynb FILE, or remove it first')
    # the kernel imports the module the cells were made from: a.b.c from the folder above a/
    import_root = Path(module.__file__).resolve().parents[module.__name__.count('.')]
    command = shlex.join(['netlib', 'run', args.name, *args.flags])
    try:
        seconds = writing.run_and_write(writing.experiment_notebook(module, args.flags), path,
                                        command, path.resolve().parent, [import_root])
    except CellExecutionError as error:
        raise UsageError(f'the notebook stopped at a cell: {error.ename}: {error.evalue}')
    print(f'{path}: {command}, run in {writing.duration(seconds)}')


def add_doctor(commands):
    doctor = commands.add_parser('doctor', help='Python, NumPy, Chainer, Numba, CuPy, BLAS, '
                                                'the chainer patches applied, the data found')
    doctor.add_argument('--data-dir', help='the data folder to look in (default: '
                                           '$NETLIB_DATA_DIR, else the per-user cache)')


def run_doctor(args):
    from netlib.cli import doctor
    doctor.main(args.data_dir)


def add_data(commands):
    data = commands.add_parser('data', help='use FOLDER: name the data folder (MNIST, the '
                                            "book's weights) once for every later run; "
                                            "chainer-cache: fill Chainer's dataset cache "
                                            'with MNIST, for chainer.datasets.get_mnist() '
                                            'offline')
    data.add_argument('what', choices=['use', 'chainer-cache'])
    data.add_argument('folder', nargs='?', help='with use: the data folder')
    data.add_argument('--data-dir', help='where the MNIST files are (default: '
                                         '$NETLIB_DATA_DIR, else the per-user cache)')
    data.add_argument('--root', help="Chainer's dataset root (default: "
                                     '$CHAINER_DATASET_ROOT, else ~/.chainer/dataset)')


def run_data(args):
    from netlib.datasets import chainer_cache, fetch
    if args.what == 'use':
        if args.folder is None:
            raise UsageError('netlib data use needs the data folder: netlib data use FOLDER')
        print(f'data folder: {fetch.remember_data_dir(args.folder)} '
              f'(kept in {fetch.remembered_data_file()})')
        return
    if args.folder is not None:
        raise UsageError(f'netlib data chainer-cache takes no folder: --data-dir {args.folder}')
    folder = chainer_cache.fill_mnist(args.data_dir, args.root)
    print(f'{folder}: train.npz and test.npz, as chainer.datasets.get_mnist() reads them')


BUILT_IN = {'list': Command(add_list, run_list), 'run': Command(add_run, run_experiment),
            'rerun': Command(add_rerun, run_rerun),
            'tune': Command(add_tune, run_tune, passes_flags_on=True),
            'notebook': Command(add_notebook, run_notebook, passes_flags_on=True),
            'doctor': Command(add_doctor, run_doctor), 'data': Command(add_data, run_data)}


# The built-in command a registered one may take the place of (this repository's `list`
# adds each experiment's targets); `run`, `tune` and the others stay netlib's own.
REPLACEABLE = {'list'}


def registered_commands():
    """The commands packages register (``netlib.commands``), but for those named like a
    built-in command that is not :data:`REPLACEABLE`."""
    def command(name, point):
        def add(commands):  # its flags are its own, passed on as they come
            commands.add_parser(name, help=registry.description(point.module, point.attr),
                                add_help=False)

        def run(args):
            point.load()(args.flags)
        return Command(add, run, passes_flags_on=True)
    return {name: command(name, point)
            for name, point in registry.registered(registry.COMMANDS).items()
            if name not in BUILT_IN or name in REPLACEABLE}


def parse_args(argv, commands):
    parser = cli.ArgumentParser(prog='netlib', description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split('::')[1])
    subparsers = parser.add_subparsers(dest='command', required=True, metavar='COMMAND')
    for command in commands.values():
        command.add(subparsers)
    args, rest = parser.parse_known_args(argv)
    if commands[args.command].passes_flags_on:
        args.flags = rest
    elif rest:
        parser.error(f'unrecognized arguments: {" ".join(rest)}')
    return args


def workers(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f'must be a positive integer, got {text!r}')
    return int(text)


def run_parallel(name, workers, flags):
    """``mpiexec -n K python -m MODULE FLAGS`` (or ``python SCRIPT``), ``--communicator
    naive`` unless given.

    mpiexec is looked for beside this Python first: the mpich wheel of
    ``pip install -e '.[mpi]'`` puts it in the virtualenv's bin/.
    """
    from netlib.scale.parallel import MPI_INSTALL_HINT
    module = registry.load(name)
    if 'communicator' not in getattr(module, 'DEFAULTS', {}):
        raise UsageError(f'{name} does not train data-parallel (--np): its DEFAULTS have no '
                         'communicator')
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get('PATH', '')])
    mpiexec = shutil.which('mpiexec', path=search)
    if mpiexec is None:
        raise UsageError(f'--np needs mpiexec: {MPI_INSTALL_HINT}')
    if not any(flag.startswith('--communicator') for flag in flags):
        flags = [*flags, '--communicator', 'naive']
    program = [name] if registry.is_script(name) else ['-m', module.__name__]
    command = [mpiexec, '-n', str(workers), sys.executable, *program, *flags]
    print(' '.join(command), flush=True)
    sys.exit(subprocess.call(command))


def main(argv=None):
    """The ``netlib`` program: every command runs inside the one program entry
    (:func:`netlib.cli.run_main`), so bad input to any of them ends in one line."""
    commands = {**BUILT_IN, **registered_commands()}
    args = parse_args(sys.argv[1:] if argv is None else argv, commands)
    cli.run_main(lambda _: commands[args.command].run(args), prog=program_name(args))


def program_name(args):
    """The name an error line starts with: ``netlib run NAME``, ``netlib rerun RUN_FOLDER``,
    ``netlib list``."""
    subject = getattr(args, 'name', None) or getattr(args, 'folder', None)
    return ' '.join(['netlib', args.command, *([subject] if subject else [])])


if __name__ == '__main__':
    main()
