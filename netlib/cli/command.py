"""The ``netlib`` command: list, run, reproduce and report the experiments.

::

    netlib list                           # experiments, their posts, targets, run times
    netlib run NAME [flags]               # = python -m experiments.NAME [flags]
    netlib run --np K NAME [flags]        # = mpiexec -n K python -m experiments.NAME
                                          #   --communicator naive [flags]: data-parallel
    netlib tune NAME [--trials N] [--storage URL] [flags]   # Optuna searches NAME's flags
    netlib reproduce [--only NAME ...]    # = make reproduce (without the set-up)
    netlib report                         # rewrite results/README.md from the outputs
    netlib doctor [--data-dir DIR]        # versions, BLAS, chainer patches, data found
"""

import argparse
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from netlib import cli


def parse_args(argv):
    parser = cli.ArgumentParser(prog='netlib', description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split('::')[1])
    commands = parser.add_subparsers(dest='command', required=True, metavar='COMMAND')
    commands.add_parser('list', help='each experiment, its source post, targets and run time')
    run = commands.add_parser('run', help='run one experiment (NAME --help: its flags)')
    run.add_argument('--np', type=workers, metavar='K',
                     help='train data-parallel on K MPI processes (ChainerMN): mnist_mlp, '
                          'mnist_cnn')
    run.add_argument('name', metavar='NAME', help='an experiment, see netlib list')
    run.add_argument('flags', nargs=argparse.REMAINDER, help="the experiment's flags")
    # Its own flags; the rest are the experiment's, fixed for every trial.
    from netlib.scale import tune
    tune.add_arguments(commands.add_parser(
        'tune', help="search NAME's flags with Optuna (the tune extra)",
        usage='netlib tune NAME [options] [flags of NAME, fixed for every trial]',
        description="Optuna searches NAME's SEARCH_SPACE, one run folder a trial; any of "
                    "NAME's own flags given (netlib run NAME --help) are fixed for every trial "
                    'and leave the search.'))
    # Its flags (--only NAME ...) are reproduce's own: passed on as they come.
    commands.add_parser('reproduce', help='rerun the experiments, check targets (--only NAME)',
                        add_help=False)
    commands.add_parser('report', help='rewrite results/README.md without rerunning')
    doctor = commands.add_parser('doctor', help='Python, NumPy, Chainer, Numba, CuPy, BLAS, '
                                                'the chainer patches applied, the data found')
    doctor.add_argument('--data-dir', help='the data folder to look in (default: '
                                           '$NETLIB_DATA_DIR, else the per-user cache)')
    args, rest = parser.parse_known_args(argv)
    if args.command in ('reproduce', 'tune'):
        args.flags = rest
    elif rest:
        parser.error(f'unrecognized arguments: {" ".join(rest)}')
    return args


def workers(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f'must be a positive integer, got {text!r}')
    return int(text)


def run_parallel(name, workers, flags):
    """``mpiexec -n K python -m experiments.NAME FLAGS``, ``--communicator naive`` unless given.

    mpiexec is looked for beside this Python first: the mpich wheel of
    ``pip install -e '.[mpi]'`` puts it in the virtualenv's bin/.
    """
    from netlib.scale.parallel import MPI_INSTALL_HINT
    module = experiment_module(name)
    if 'communicator' not in module.DEFAULTS:
        cli.fail('netlib run', f'{name} does not train data-parallel (--np); mnist_mlp and '
                               'mnist_cnn do')
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get('PATH', '')])
    mpiexec = shutil.which('mpiexec', path=search)
    if mpiexec is None:
        cli.fail('netlib run', f'--np needs mpiexec: {MPI_INSTALL_HINT}')
    if not any(flag.startswith('--communicator') for flag in flags):
        flags = [*flags, '--communicator', 'naive']
    command = [mpiexec, '-n', str(workers), sys.executable, '-m', module.__name__, *flags]
    print(' '.join(command), flush=True)
    sys.exit(subprocess.call(command))


def experiment_module(name, prog='netlib run'):
    """``experiments.NAME``, or a one-line error naming the experiments."""
    from experiments.registry import EXPERIMENTS
    modules = sorted({experiment.module.split('.')[-1] for experiment in EXPERIMENTS})
    if name not in modules:
        cli.fail(prog, f'unknown experiment {name!r}; choose one of: {", ".join(modules)}')
    return importlib.import_module(f'experiments.{name}')


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from experiments import report, reproduce
    if args.command == 'list':
        cli.run_main(lambda _: report.list_experiments(), prog='netlib list')
    elif args.command == 'run' and args.np:
        run_parallel(args.name, args.np, args.flags)
    elif args.command == 'run':
        module = experiment_module(args.name)
        cli.run_main(module.main, args.flags, prog=f'netlib run {args.name}')
    elif args.command == 'tune':
        from netlib.scale import tune
        module = experiment_module(args.name, 'netlib tune')
        cli.run_main(lambda flags: tune.main(args, module, flags), args.flags,
                     prog=f'netlib tune {args.name}')
    elif args.command == 'reproduce':
        cli.run_main(reproduce.main, args.flags, prog='netlib reproduce')
    elif args.command == 'doctor':
        from netlib.cli import doctor
        doctor.main(args.data_dir)
    else:
        report.report()
        print(f'wrote {report.RESULTS / "README.md"}')


if __name__ == '__main__':
    main()
