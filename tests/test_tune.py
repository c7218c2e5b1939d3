"""netlib tune: trials as run folders, pruning in both loops, continuing, refusals, and two
worker processes on one SQLite study (on PostgreSQL: test_tune_postgres.py)."""

import argparse
import json
import subprocess
import sys
import types
import warnings
from pathlib import Path

import chainer
import matplotlib.axes
import pytest

from experiments import mnist_mlp

from netlib import cli, optimizers
from netlib.cli import flags
from netlib.scale import search, tune
from netlib import steps
from netlib.errors import UsageError
from netlib.training.runs import Run

optuna = pytest.importorskip('optuna')

ROOT = Path(__file__).resolve().parents[1]
TINY = ['--epoch', '1', '--train-size', '300', '--test-size', '100', '--unit', '10']


# A hand-written loop to tune: gradient descent on (w - 3)^2, so a small --lr is slow
# and its trials are pruned.
def quadratic_main(argv=None):
    args = flags.parse(argv, 'quadratic', quadratic.DEFAULTS)
    run = Run(args)
    model = chainer.Link()
    with model.init_scope():
        model.w = chainer.Parameter(0.0, (1,))
    optimizer = chainer.optimizers.SGD(lr=args.lr).setup(model)
    for _ in run.manager({'main': optimizer}, (args.epoch, 'epoch')):
        loss = chainer.functions.sum((model.w - 3) ** 2)
        steps.update(optimizer, loss)
        chainer.report({'loss': loss}, model)
    return run.save_metrics({'w': float(model.w.array[0])})


quadratic = types.ModuleType('experiments.quadratic', 'quadratic')
quadratic.main = quadratic_main
quadratic.DEFAULTS = dict(epoch=8, optimizer='sgd', out='runs/quadratic')
quadratic.SEARCH_SPACE = search.Space(minimize='main/loss', lr=search.LogUniform(1e-4, 0.5))


def tune_args(out, trials, **options):
    return argparse.Namespace(**{**dict(name='quadratic', trials=trials, timeout=None,
                                        storage=None, study_name=None, out=str(out), seed=0,
                                        seeds_per_trial=1, sampler_seed=0,
                                        keep_snapshots=False), **options})


def test_hand_written_loop_trials_are_run_folders_and_poor_ones_pruned(tmp_path, capsys):
    best = tune.main(tune_args(tmp_path, 12), quadratic, [])
    study = optuna.load_study(study_name='quadratic', storage=f'sqlite:///{tmp_path}/study.db')
    states = [trial.state.name for trial in study.trials]
    assert len(states) == 12 and 'PRUNED' in states, states
    for trial in study.trials:
        folder = tmp_path / f'trial-{trial.number:04d}'
        args = json.loads((folder / 'args').read_text())
        assert args['seed'] == 0 == trial.user_attrs['seed']  # every trial: the same seed
        assert args['lr'] == trial.params['lr']
        log = json.loads((folder / 'log').read_text())
        assert len(log) == (8 if trial.state.name == 'COMPLETE' else
                            max(trial.intermediate_values))
        assert (folder / 'metrics.json').exists()
    assert best.value == min(t.value for t in study.trials if t.value is not None)
    printed = capsys.readouterr().out
    assert f'--lr {best.params["lr"]} --seed 0' in printed  # the rerun line
    assert '| trial | state | main/loss | lr | seed | seconds |' in printed
    assert {'trials.md', 'best.json', 'optimization_history.png',
            'parallel_coordinate.png'} <= {path.name for path in tmp_path.iterdir()}


def test_a_single_trial_draws_its_plots(tmp_path, capsys):
    """`netlib tune NAME --trials 1`: the best-value line of one trial is a single point,
    drawn with a marker (a FigureError traceback before)."""
    best = tune.main(tune_args(tmp_path, 1), quadratic, [])
    assert best.number == 0
    assert 'best: trial 0' in capsys.readouterr().out
    assert 'optimization_history.png' in {path.name for path in tmp_path.iterdir()}


def test_no_plot_asks_for_an_axis_of_one_value(tmp_path, capsys, monkeypatch):
    """--trials 1 warned 'Attempting to set identical low and high ylims': Optuna's parallel
    coordinates span each axis from its least value to its largest, and a flag of one value
    (one trial, or one choice) has a single one.  Such a flag gets no axis; a trial alone,
    no parallel coordinates."""
    asked = []
    set_ylim = matplotlib.axes.Axes.set_ylim

    def recorded(axes, bottom=None, top=None, **options):
        asked.append(tuple(bottom) if top is None and bottom is not None else (bottom, top))
        return set_ylim(axes, bottom, top, **options)
    monkeypatch.setattr(matplotlib.axes.Axes, 'set_ylim', recorded)
    monkeypatch.setattr(quadratic, 'SEARCH_SPACE', search.Space(
        minimize='main/loss', lr=search.LogUniform(1e-4, 0.5), optimizer=search.Choice('sgd')))
    with warnings.catch_warnings():
        warnings.simplefilter('error', UserWarning)
        tune.main(tune_args(tmp_path / 'one', 1), quadratic, [])
        tune.main(tune_args(tmp_path / 'three', 3), quadratic, [])
    assert asked and [limits for limits in asked if limits[0] == limits[1]] == []
    drawn = {out: {path.name for path in (tmp_path / out).glob('*.png')}
             for out in ('one', 'three')}
    assert drawn == {'one': {'optimization_history.png'},
                     'three': {'optimization_history.png', 'parallel_coordinate.png',
                               'param_importances.png'}}


def test_trials_end_without_snapshots_and_optuna_speaks_once(tmp_path, capsys):
    """An ended trial never resumes: its snapshots go, unless --keep-snapshots; the study
    names its objective for the dashboard; Optuna's log lines come once, on stdout."""
    tune.main(tune_args(tmp_path / 'removed', 2), quadratic, ['--epoch', '3'])
    tune.main(tune_args(tmp_path / 'kept', 2, keep_snapshots=True), quadratic, ['--epoch', '3'])
    snapshots = {out: sorted(path.name for path in (tmp_path / out).glob('trial-*/snapshot_*'))
                 for out in ('removed', 'kept')}
    assert snapshots['removed'] == [] and 'snapshot_epoch_3' in snapshots['kept']
    study = optuna.load_study(study_name='quadratic',
                              storage=f'sqlite:///{tmp_path}/removed/study.db')
    assert study.metric_names == ['main/loss']
    printed = capsys.readouterr()
    assert printed.out.count('optuna: Trial 1 finished with value') == 2  # one per study
    assert 'Trial' not in printed.err


def test_trials_of_one_score_draw_their_history_only(tmp_path, capsys, monkeypatch):
    """Trials that all score the same (flags that do not matter at this budget: mnist_mlp's
    0.2 on 300 images) have nothing to compare: Optuna's importances raised fANOVA's
    'zero total variance' RuntimeError after the whole study."""
    monkeypatch.setattr(quadratic, 'main', lambda argv: quadratic_main(
        [*argv, '--lr', '0.01', '--optimizer', 'sgd']))  # whatever the flags searched
    monkeypatch.setattr(quadratic, 'SEARCH_SPACE', search.Space(
        minimize='main/loss', lr=search.LogUniform(1e-4, 0.5),
        optimizer=search.Choice('sgd', 'momentum')))
    tune.main(tune_args(tmp_path, 3), quadratic, [])
    study = optuna.load_study(study_name='quadratic', storage=f'sqlite:///{tmp_path}/study.db')
    assert len({trial.params['optimizer'] for trial in study.trials}) == 2
    assert [round(trial.value, 4) for trial in study.trials] == [6.7828] * 3  # (3 - 3 * (1 - 0.98 ** 7)) ** 2
    assert {path.name for path in tmp_path.glob('*.png')} == {'optimization_history.png'}


def test_an_interrupted_trial_keeps_its_snapshots(tmp_path, capsys, monkeypatch):
    """Ctrl-C during a trial: it has not ended, so its snapshots stay for a resume by hand
    (a finished, pruned or diverged trial's are removed)."""
    def interrupted(argv):
        quadratic_main(argv)
        raise KeyboardInterrupt
    monkeypatch.setattr(quadratic, 'main', interrupted)
    with pytest.raises(KeyboardInterrupt):
        tune.main(tune_args(tmp_path, 2), quadratic, ['--epoch', '3'])
    assert sorted(path.name for path in tmp_path.glob('trial-*/snapshot_*')) == \
        ['snapshot_epoch_2', 'snapshot_epoch_3']  # the last two are kept


def test_seeds_per_trial_score_the_mean_and_keep_each_seed(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(quadratic.SEARCH_SPACE, 'seeds_per_trial', 2)  # no --seeds-per-trial
    tune.main(tune_args(tmp_path, 3, seeds_per_trial=None), quadratic, ['--epoch', '3'])
    study = optuna.load_study(study_name='quadratic', storage=f'sqlite:///{tmp_path}/study.db')
    for trial in study.trials:
        folder = tmp_path / f'trial-{trial.number:04d}'
        folders = [folder, folder.with_name(f'{folder.name}-seed-1')]
        assert [json.loads((f / 'args').read_text())['seed'] for f in folders] == [0, 1]
        logs = [json.loads((f / 'log').read_text())[-1]['main/loss'] for f in folders]
        assert trial.user_attrs['values'] == logs and trial.value == pytest.approx(sum(logs) / 2)
        assert sorted(trial.intermediate_values) == [1, 2, 3]  # the first seed's epochs only
    assert f'| {study.trials[0].number} | complete |' in capsys.readouterr().out


class PruneAtOnce:
    """A trial that Optuna's pruner always stops, recording what it was told."""

    def __init__(self):
        self.reports = []

    def report(self, value, step):
        self.reports.append((step, value))

    def should_prune(self):
        return True


def test_a_trainer_run_reports_each_epoch_and_stops_when_pruned(data_dir, tmp_path):
    trial = PruneAtOnce()
    with search.trial_in_progress(trial, 'validation/main/accuracy'), \
            pytest.raises(optuna.TrialPruned, match='epoch 1'):
        mnist_mlp.main([*TINY, '--epoch', '3', '--data-dir', str(data_dir),
                        '--out', str(tmp_path)])
    log = json.loads((tmp_path / 'log').read_text())
    assert trial.reports == [(1, log[0]['validation/main/accuracy'])] and len(log) == 1


def test_a_rerun_continues_the_study_and_a_changed_one_is_refused(tmp_path):
    tune.main(tune_args(tmp_path, 2), quadratic, ['--epoch', '3'])
    tune.main(tune_args(tmp_path, 4), quadratic, ['--epoch', '3'])
    study = optuna.load_study(study_name='quadratic', storage=f'sqlite:///{tmp_path}/study.db')
    assert [trial.number for trial in study.trials] == [0, 1, 2, 3]
    before = sorted(path.name for path in tmp_path.iterdir())
    with pytest.raises(UsageError, match="flags stored '--epoch 3', given '--epoch 4'"):
        tune.main(tune_args(tmp_path, 6), quadratic, ['--epoch', '4'])
    with pytest.raises(UsageError, match="space stored 'lr', given ''"):  # --lr given: lr not searched
        tune.main(tune_args(tmp_path, 6), quadratic, ['--epoch', '3', '--lr', '0.1'])
    with pytest.raises(UsageError, match="seed stored 0, given 1"):  # trials compared paired
        tune.main(tune_args(tmp_path, 6, seed=1), quadratic, ['--epoch', '3'])
    assert sorted(path.name for path in tmp_path.iterdir()) == before
    assert len(optuna.load_study(study_name='quadratic',
                                 storage=f'sqlite:///{tmp_path}/study.db').trials) == 4


def test_a_seeded_sampler_continues_past_the_largest_numpy_seed(tmp_path):
    largest = flags.MAX_SEED  # the continuing sampler's seed, largest + 1, wraps to 0
    tune.main(tune_args(tmp_path, 1, sampler_seed=largest), quadratic, ['--epoch', '3'])
    tune.main(tune_args(tmp_path, 2, sampler_seed=largest), quadratic, ['--epoch', '3'])
    study = optuna.load_study(study_name='quadratic', storage=f'sqlite:///{tmp_path}/study.db')
    assert [trial.number for trial in study.trials] == [0, 1]


@pytest.mark.parametrize('storage, says', [
    ('nonsense', 'Could not parse SQLAlchemy URL'),
    ('sqlite:////no/such/folder/study.db', 'unable to open database file'),
    ('postgresql://user:secret@127.0.0.1:1/db', 'Connection refused'),
])
def test_a_bad_storage_is_one_line_and_writes_nothing(tmp_path, capsys, storage, says):
    out = tmp_path / 'study'
    with pytest.raises(SystemExit) as exit:
        cli.run_main(lambda _: tune.main(tune_args(out, 1, storage=storage), quadratic, []),
                     prog='netlib tune quadratic')
    error = capsys.readouterr().err
    assert exit.value.code == 2 and error.count('\n') == 1 and says in error, error
    assert 'secret' not in error and not out.exists()


def workers(out, storage, trials=6, count=2):
    """*count* `netlib tune mnist_mlp` processes on one study at once; their outputs."""
    command = [sys.executable, '-m', 'netlib.cli.command', 'tune', 'mnist_mlp', '--trials',
               str(trials), '--seeds-per-trial', '1', '--out', str(out),
               *(['--storage', storage] if storage else []), *TINY]
    started = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True) for _ in range(count)]
    outputs = [process.communicate(timeout=120)[0] for process in started]
    for process, output in zip(started, outputs):
        assert process.returncode == 0, output[-2000:]
    return [process.pid for process in started]


def check_shared(out, storage, pids, trials=6):
    """Every trial once in the study, once as a folder, from both workers."""
    study = optuna.load_study(study_name='mnist_mlp', storage=storage)
    numbers = [trial.number for trial in study.trials]
    assert numbers == list(range(len(numbers))) and trials <= len(numbers) < trials + len(pids)
    assert {trial.state.name for trial in study.trials} <= {'COMPLETE', 'PRUNED'}
    assert sorted(path.name for path in out.glob('trial-*')) == [
        f'trial-{number:04d}' for number in numbers]
    for trial in study.trials:
        args = json.loads((out / f'trial-{trial.number:04d}' / 'args').read_text())
        assert args['seed'] == trial.user_attrs['seed'] == 0
        assert {name: args[name] for name in trial.params} == {
            **trial.params, 'optimizer': optimizers.resolve(trial.params['optimizer'])}
    ran = {int(trial.user_attrs['worker'].split(':')[1]) for trial in study.trials}
    assert ran == set(pids), f'trials by {ran}, workers {pids}'


def test_two_workers_share_one_sqlite_study(data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv('NETLIB_DATA_DIR', str(data_dir))
    out = tmp_path / 'study'  # both workers: the default storage, out/study.db
    pids = workers(out, None)
    check_shared(out, f'sqlite:///{out}/study.db', pids)
