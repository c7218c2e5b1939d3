"""ChainerUI registers every netlib run folder, with its LogReport records.

ChainerUI's own code registers results/ (the reference outputs) and a
folder of fake runs, as ``chainerui project create -d FOLDER`` does, into a
database in a tmp folder (never ~/.chainerui).  Every subfolder that holds a
``log`` file must become a result whose records ChainerUI read back whole.
"""

import json
import math
import os
import re
import warnings
from pathlib import Path

import pytest

pytest.importorskip('chainerui', reason="ChainerUI is not installed: pip install -e '.[ui]'")

with warnings.catch_warnings():  # ChainerUI 0.11 is written for SQLAlchemy 1.x
    warnings.simplefilter('ignore', DeprecationWarning)
    from chainerui.database import db
    from chainerui.models.project import Project
    from chainerui.models.result import Result

from conftest import ROOT  # noqa: E402


@pytest.fixture(autouse=True)
def tmp_database(tmp_path, monkeypatch):
    """ChainerUI's one database, in a tmp folder and at the newest schema."""
    monkeypatch.setenv('CHAINERUI_ROOT', str(tmp_path / 'chainerui'))
    assert db.setup(url=f"sqlite:///{tmp_path / 'chainerui.db'}")
    db.upgrade()
    yield
    db.session.remove()
    db.engine.dispose()
    db.remove_db()  # forgets the URL; the file goes with tmp_path


def write_run(folder, epochs):
    """A run folder as netlib writes it: ``args`` and LogReport's ``log``."""
    folder.mkdir(parents=True)
    (folder / 'args').write_text(json.dumps({'epoch': epochs, 'out': str(folder)}))
    records = [{'epoch': epoch, 'iteration': 600 * epoch, 'main/loss': 1 / epoch,
                'elapsed_time': 3.1 * epoch} for epoch in range(1, epochs + 1)]
    (folder / 'log').write_text(json.dumps(records))


def register(folder):
    """Register FOLDER as a ChainerUI project; its results by path."""
    project = Project.create(os.path.abspath(folder), Path(folder).name)
    results = db.session.query(Result).filter_by(project_id=project.id)
    return {result.path_name: result for result in results}


def folders_with_a_log(folder):
    return {str(log.parent) for log in Path(os.path.abspath(folder)).rglob('log')
            if log.is_file()}


def as_chainerui_shows(records):
    """ChainerUI shows a NaN or infinite value (a diverged net's loss) as None."""
    return [{key: value if not isinstance(value, float) or math.isfinite(value) else None
             for key, value in record.items()} for record in records]


def register_and_check(folder):
    """Register FOLDER; assert each folder with a log is a result holding its records."""
    results = register(folder)
    assert results, f'no run folder under {folder}'
    assert set(results) == folders_with_a_log(folder)
    for path, result in results.items():
        records = json.loads((Path(path) / 'log').read_text())
        assert records, f'{path}/log has no records'
        assert [log.serialize['logDict'] for log in result.logs] == as_chainerui_shows(records)
    return results


def test_every_reference_run_folder_is_registered():
    """Every folder under results/ that holds a run's ``args`` is a ChainerUI result."""
    results = register_and_check(ROOT / 'results')
    run_folders = {str(args.parent) for args in (ROOT / 'results').resolve().rglob('args')}
    assert set(results) == run_folders


def test_fake_runs_are_registered_but_a_folder_without_log_is_not(tmp_path):
    runs = tmp_path / 'runs'
    names = ['mnist_mlp', 'mnist_mlp-2', 'sweep/lr-0.1']  # one nested, as a sweep writes
    for epochs, name in enumerate(names, start=1):
        write_run(runs / name, epochs)
    (runs / 'no_log').mkdir()
    (runs / 'no_log' / 'args').write_text('{}')
    results = register_and_check(runs)
    assert sorted(results) == [str(runs / name) for name in names]


def test_iteration_counted_logs_record_no_epoch_and_one_loss_is_main_loss():
    """ChainerUI's defaults (x: epoch, key: main/loss) read the reference logs truly: a run
    counting --iteration has no epoch that repeats the iteration, and a run with a single
    training loss logs it as main/loss (runs of several nets log NAME/loss: README)."""
    for log in sorted(ROOT.glob('results/*/log')):
        records = json.loads(log.read_text())
        args = json.loads((log.parent / 'args').read_text())
        if 'iteration' in args and 'epoch' not in args:
            assert records and not any('epoch' in record for record in records), log
        losses = {key for record in records for key in record
                  if key.endswith('/loss') and not key.startswith('validation/')}
        assert len(losses) != 1 or losses == {'main/loss'}, (log, losses)


def readme_chart_keys():
    """The README's table of the reference runs' chart keys: {run: (keys cell, x axis)}."""
    readme = (ROOT / 'README.md').read_text()
    table = readme[readme.index('| run | keys to chart | x axis |'):].split('\n\n')[0]
    rows = {}
    for line in table.splitlines()[2:]:
        runs, keys, x_axis = (cell.strip() for cell in line.strip('|').split('|'))
        rows.update({run: (keys, x_axis) for run in re.findall(r'`([^`]+)`', runs)})
    return rows


def test_the_readme_names_every_reference_runs_chart_keys_and_x_axis():
    """ChainerUI's default chart (main/loss over epoch) shows a run of one training loss; for
    every other run the README's table names each training loss it logs (K for a number)
    and the x axis its log has."""
    rows = readme_chart_keys()
    logs = sorted(ROOT.glob('results/*/log'))
    assert sorted(rows) == sorted(log.parent.name for log in logs)
    for log in logs:
        keys, x_axis = rows[log.parent.name]
        records = json.loads(log.read_text())
        named = [re.escape(key).replace('K', r'\d+') for key in re.findall(r'`([^`]+)`', keys)]
        losses = {key for record in records for key in record
                  if key.endswith('/loss') and not key.startswith('validation/')}
        unnamed = {key for key in losses if not any(re.fullmatch(p, key) for p in named)}
        assert not unnamed, (log, unnamed)
        has_epoch = any('epoch' in record for record in records)
        expected = 'none' if len(records) == 1 else 'epoch' if has_epoch else 'iteration'
        assert x_axis == expected, (log, x_axis)
