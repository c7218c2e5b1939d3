"""``netlib tune NAME``: Optuna searches an experiment's flags, one ordinary run folder a trial.

The experiment declares ``SEARCH_SPACE`` (:mod:`netlib.scale.search`) next to its
DEFAULTS.  Each trial runs its ``main`` in this process with Optuna's flags, one
``--seed`` for every trial (trials differ only in their flags) and ``--out
OUT/trial-NNNN``, reporting the space's key each epoch so a poor trial is pruned.
The study lives in an SQLAlchemy storage (default ``OUT/study.db``) that workers on
any machine share and a rerun continues.  A flag given on the command line is fixed
and leaves the space.  At the end: the best flags as a command line, ``trials.md``
and Optuna's plots.
"""

import json
import os
import shlex
import socket
import time
import warnings
from pathlib import Path

from netlib.cli import flags
from netlib.scale import search, study_output
from netlib.errors import Diverged, UsageError
from netlib.files import atomic_write, write_json
from netlib.serializers.snapshots import remove_snapshots

# A lost worker (killed, machine down) leaves its trial RUNNING: with a heartbeat
# every minute, a trial silent for three is marked FAIL and its place taken.
HEARTBEAT, GRACE = 60, 180
# Seconds a worker waits for another's write lock on SQLite before failing.
SQLITE_BUSY_TIMEOUT = 60


def add_arguments(parser):
    parser.add_argument('name', metavar='NAME', help='an experiment with a SEARCH_SPACE')
    parser.add_argument('--trials', type=flags.positive_int, default=20,
                        help='trials in the study, all workers together (a rerun continues '
                             'up to this many)')
    parser.add_argument('--timeout', type=flags.positive_float,
                        help="stop starting trials after this many seconds (this worker's)")
    parser.add_argument('--storage', metavar='URL',
                        help='SQLAlchemy URL of the study, e.g. sqlite:///study.db or '
                             'postgresql://user:password@host/db (default: OUT/study.db)')
    parser.add_argument('--study-name', help='study in the storage (default: NAME)')
    parser.add_argument('--out', '-o', type=flags.folder,
                        help='folder of the trials and plots (default: runs/tune/STUDY)')
    parser.add_argument('--seed', type=flags.seed_value, default=0,
                        help='every trial trains with this seed (common random numbers: '
                             'trials are compared under the same initial weights and '
                             'shuffling where their flags allow)')
    parser.add_argument('--seeds-per-trial', type=flags.positive_int, metavar='K',
                        help='each trial trains under seeds SEED..SEED+K-1 and scores their '
                             'mean: K times the time, a score less at the mercy of one seed '
                             "(default: the SEARCH_SPACE's, else 1)")
    parser.add_argument('--sampler-seed', type=flags.seed_value,
                        help="seed of Optuna's TPE sampler (default: fresh each worker, so "
                             'workers explore apart)')
    parser.add_argument('--keep-snapshots', action='store_true',
                        help="keep the snapshots of each trial that finishes, is pruned or "
                             'diverges (default: removed, as no trial resumes another; an '
                             'interrupted trial keeps them)')


def main(args, module, experiment_flags):
    """Run this worker's trials of the study *args* names; write the summary; the best trial."""
    space = getattr(module, 'SEARCH_SPACE', None)
    if space is None:
        raise UsageError(f'{args.name} declares no SEARCH_SPACE to tune')
    fixed, searched = split_flags(module, space, experiment_flags)
    if args.seeds_per_trial is None:
        args.seeds_per_trial = space.seeds_per_trial
    flags.consecutive_seeds(args.seed, args.seeds_per_trial, '--seeds-per-trial')
    optuna = _import_optuna()
    definition = json.loads(json.dumps(dict(
        experiment=args.name, flags=fixed, seed=args.seed,
        seeds_per_trial=args.seeds_per_trial, objective=space.key,
        direction=space.direction,
        space={name: optuna.distributions.distribution_to_json(distribution(optuna, value))
               for name, value in searched.items()})))
    study_name = args.study_name or args.name
    out = Path(args.out or Path('runs', 'tune', study_name))
    if args.storage is None:  # the default storage lives in the folder
        out.mkdir(parents=True, exist_ok=True)
    storage = open_storage(optuna, args.storage or f'sqlite:///{out / "study.db"}')
    check_stored(storage, study_name, definition)
    out.mkdir(parents=True, exist_ok=True)  # the input passed: from here on, files

    study = optuna.create_study(
        storage=storage, study_name=study_name, direction=space.direction, load_if_exists=True,
        # A trial below the median of the finished ones at the same epoch stops, judged
        # from the second epoch on: at the first, a small learning rate looks worst.
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=2))
    study.set_user_attr('netlib', definition)
    study.set_metric_names([space.key])  # the dashboard's name of the objective
    # Continuing a study, a seeded sampler must not repeat its first trials (NumPy's seeds wrap).
    study.sampler = optuna.samplers.TPESampler(
        seed=None if args.sampler_seed is None else
        (args.sampler_seed + len(study.trials)) % (flags.MAX_SEED + 1),
        multivariate=True,  # the flags together (a learning rate suits a batch size)
        constant_liar=True)  # several workers: a running trial counts, as a poor one
    counted = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED,
               optuna.trial.TrialState.RUNNING)
    if len(study.get_trials(deepcopy=False, states=counted)) < args.trials:
        study.optimize(
            lambda trial: objective(trial, args, module, space, fixed, searched, out),
            n_trials=args.trials, timeout=args.timeout, catch=(Diverged,),
            callbacks=[optuna.study.MaxTrialsCallback(args.trials, states=counted)])
    return summarize(study, args.name, out)


def _import_optuna():
    try:
        import optuna
        import optuna_integration  # noqa: F401  (ChainerPruningExtension)
    except ImportError:
        raise UsageError("netlib tune needs Optuna: pip install 'netlib[tune]'") from None
    # The heartbeat and metric names are experimental: not the user's to act on.
    warnings.filterwarnings('ignore', category=optuna.exceptions.ExperimentalWarning)
    study_output.route_optuna_log(optuna)
    return optuna


def split_flags(module, space, experiment_flags):
    """(every trial's fixed flags, the searched flags' ranges).

    The budget's flags come first unless given; a searched flag given on the
    command line is fixed instead.  The fixed flags are checked with the
    experiment's own parser (one line and exit 2 if it refuses them).
    """
    parser = flags.make_parser(module.__doc__ or '', getattr(module, 'DEFAULTS', {}),
                               getattr(module, 'add_flags', None))
    parser.prog = f'netlib tune {module.__name__.split(".")[-1]}'
    options = parser._option_string_actions  # '--lr' and '-u' -> their argparse actions
    given = {options[token.split('=')[0]].dest for token in experiment_flags
             if token.split('=')[0] in options}
    if 'resume' in given:
        raise UsageError('--resume: a rerun with the same --storage and --study-name '
                         'continues the study')
    budget = {name: value for name, value in space.budget.items() if name not in given}
    fixed = flags.command_line(budget) + list(experiment_flags)
    parser.parse_args(fixed)
    unknown = sorted(set(space.flags) - {action.dest for action in parser._actions})
    if unknown:
        raise UsageError(f'SEARCH_SPACE names flags the experiment lacks: {", ".join(unknown)}')
    for name, values in space.flags.items():  # each end of a range, each choice
        for value in (values if isinstance(values, search.Choice) else
                      (values.low, values.high)):
            parser.parse_args(fixed + flags.command_line({name: value}))
    return fixed, {name: value for name, value in space.flags.items() if name not in given}


def distribution(optuna, value):
    """Optuna's distribution for a :mod:`netlib.scale.search` range (to store and compare)."""
    if isinstance(value, search.Choice):
        return optuna.distributions.CategoricalDistribution(value)
    if isinstance(value, search.IntRange):
        return optuna.distributions.IntDistribution(value.low, value.high, log=value.log)
    return optuna.distributions.FloatDistribution(value.low, value.high, log=True)


def suggest(trial, name, value):
    if isinstance(value, search.Choice):
        return trial.suggest_categorical(name, value)
    if isinstance(value, search.IntRange):
        return trial.suggest_int(name, value.low, value.high, log=value.log)
    return trial.suggest_float(name, value.low, value.high, log=True)


def open_storage(optuna, url):
    """Optuna's RDBStorage at *url*; a malformed or unreachable one is a UsageError."""
    import sqlalchemy
    try:
        shown = sqlalchemy.engine.make_url(url).__repr__()  # the password masked
    except Exception:  # noqa: BLE001  (malformed: reported below)
        shown = url
    connect = ({'timeout': SQLITE_BUSY_TIMEOUT} if url.startswith('sqlite') else
               {'connect_timeout': 10} if url.startswith('postgresql') else {})
    for attempt in range(3):
        try:
            return optuna.storages.RDBStorage(
                url, engine_kwargs={'connect_args': connect}, heartbeat_interval=HEARTBEAT,
                grace_period=GRACE)
        except sqlalchemy.exc.SQLAlchemyError as error:
            reason = str(getattr(error, 'orig', None) or error).strip().splitlines()[0]
            # Two workers creating the tables of a new database at once: one loses the
            # race (a table or version row already there), and its next try finds them made.
            # Anything else (refused, unknown host, no such file) is final.
            if not (isinstance(error, sqlalchemy.exc.IntegrityError) or
                    'already exists' in reason):
                break
            time.sleep(1)
        except (ImportError, ValueError) as error:  # unknown dialect or driver
            reason = str(error.__cause__ or error).strip().splitlines()[0]
            break
    raise UsageError(f'cannot open --storage {shown}: {reason}')


def check_stored(storage, study_name, definition):
    """A stored study must search the same space of the same experiment with the same flags."""
    try:
        stored = storage.get_study_user_attrs(storage.get_study_id_from_name(study_name))
    except KeyError:
        return
    stored = stored.get('netlib')
    if stored is None or stored == definition:
        return
    def show(key, value):
        return ' '.join(value) if key == 'flags' else ','.join(value) if key == 'space' else value
    differ = [f'{key} stored {show(key, stored.get(key, ""))!r}, given '
              f'{show(key, definition[key])!r}'
              for key in definition if stored.get(key) != definition[key]]
    raise UsageError(f'study {study_name!r} in this storage differs: {"; ".join(differ)} '
                     '(give another --study-name)')


def objective(trial, args, module, space, fixed, searched, out):
    """One trial: the experiment's main with the suggested flags in ``OUT/trial-NNNN``.

    With ``--seeds-per-trial K`` it trains under seeds SEED..SEED+K-1 (the
    others in ``OUT/trial-NNNN-seed-S``) and scores their mean.  Only the first
    seed reports each epoch, so the pruner compares every trial under SEED.
    """
    import optuna
    params = {name: suggest(trial, name, value) for name, value in searched.items()}
    seeds = flags.consecutive_seeds(args.seed, args.seeds_per_trial, '--seeds-per-trial')
    folders = [out / f'trial-{trial.number:04d}{f"-seed-{seed}" if seed != args.seed else ""}'
               for seed in seeds]
    command = ['netlib', 'run', args.name, *fixed, *flags.command_line(params),
               '--seed', str(args.seed)]
    for key, value in dict(seed=args.seed, seeds=seeds, out=str(folders[0]),
                           command=shlex.join(command),
                           worker=f'{socket.gethostname()}:{os.getpid()}').items():
        trial.set_user_attr(key, value)
    others = ' '.join(map(str, seeds[1:]))
    print(f'trial {trial.number}: {shlex.join(command)}'
          f'{f" (and seed {others})" if others else ""}', flush=True)
    values = []
    for seed, folder in zip(seeds, folders):
        argv = [*fixed, *flags.command_line(params), '--seed', str(seed), '--out', str(folder)]
        try:
            with search.trial_in_progress(trial if seed == args.seed else None, space.key):
                module.main(argv)
        except optuna.TrialPruned as pruned:
            ended(folder, args, {'pruned': str(pruned), **last(folder, space.key)})
            raise
        except Diverged as error:  # a learning rate too large: a failed trial, the search goes on
            ended(folder, args, {'diverged': str(error)})
            raise
        ended(folder, args)
        values.append(last(folder, space.key)[space.key])
        trial.set_user_attr('values', values)  # each seed's score, the trial's is their mean
    return sum(values) / len(values)


def ended(folder, args, why=None):
    """A trial's run that finished, was pruned or diverged: *why* in its metrics.json, and its
    snapshots removed unless ``--keep-snapshots``, as a new trial never resumes an ended one.
    An interrupted run keeps them: ``netlib rerun FOLDER --out FOLDER --resume`` continues it."""
    if why is not None:
        write_json(folder / 'metrics.json', why)
    if not args.keep_snapshots:
        remove_snapshots(folder)


def last(folder, key):
    """*key* in the last record of the trial's log that has it ({} if none)."""
    records = [record for record in json.loads((folder / 'log').read_text()) if key in record]
    return {key: records[-1][key], 'epoch': records[-1].get('epoch')} if records else {}


def summarize(study, name, out):
    """Print and write the table, the best command line and the plots; the best trial."""
    import optuna
    trials = study.get_trials(deepcopy=False)
    table = trial_table(trials, study.user_attrs['netlib']['objective'])
    atomic_write(out / 'trials.md', lambda handle: handle.write(table + '\n'))
    print(table)
    complete = [t for t in trials if t.state == optuna.trial.TrialState.COMPLETE]
    if not complete:
        print(f'no trial of study {study.study_name!r} has completed yet')
        return None
    best = study.best_trial
    write_json(out / 'best.json', {'trial': best.number, 'value': best.value,
                                   'params': best.params, **best.user_attrs})
    study_output.save_plots(study, out)
    print(f'best: trial {best.number}, {study.user_attrs["netlib"]["objective"]} '
          f'{best.value:.4f}; rerun it with\n    {best.user_attrs["command"]}')
    print(f'study folder: {out}')
    return best


def trial_table(trials, key):
    """A Markdown table: a row per trial with its state, value, flags, seed and time."""
    names = sorted({name for trial in trials for name in trial.params})
    header = ['trial', 'state', key, *names, 'seed', 'seconds']
    rows = []
    for trial in trials:
        seconds = (trial.datetime_complete - trial.datetime_start).total_seconds() \
            if trial.datetime_complete and trial.datetime_start else None
        value = trial.value if trial.value is not None else (
            trial.intermediate_values[max(trial.intermediate_values)]
            if trial.intermediate_values else None)
        rows.append([trial.number, trial.state.name.lower(), _cell(value),
                     *(_cell(trial.params.get(name)) for name in names),
                     seed_cell(trial.user_attrs), _cell(seconds, '.1f')])
    lines = [header, ['---'] * len(header), *rows]
    return '\n'.join('| ' + ' | '.join(map(str, line)) + ' |' for line in lines)


def seed_cell(attributes):
    """The trial's seed or, with several, each finished seed and its score."""
    seeds, values = attributes.get('seeds', []), attributes.get('values', [])
    if len(seeds) < 2 or not values:
        return attributes.get('seed', '')
    return ', '.join(f'{seed}: {_cell(value)}' for seed, value in zip(seeds, values))


def _cell(value, spec='.4g'):
    return '' if value is None else format(value, spec) if isinstance(value, float) else value
