"""--config, --print-config and netlib rerun: a run folder's args replay the run."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from experiments import logic_gates, steps_regression
from netlib.cli import config

TIMINGS = ('second', 'elapsed')  # wall-clock numbers differ by nature (as experiments.drift)


def untimed(folder):
    metrics = json.loads((folder / 'metrics.json').read_text())
    return {key: value for key, value in metrics.items()
            if not any(word in key for word in TIMINGS)}


def netlib(*args, cwd=ROOT):
    return subprocess.run([sys.executable, '-m', 'netlib.cli.command', *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


def printed_config(capsys, main, *argv):
    capsys.readouterr()  # what earlier runs printed
    with pytest.raises(SystemExit) as exit_:
        main([*map(str, argv), '--print-config'])
    assert exit_.value.code == 0
    return json.loads(capsys.readouterr().out)


def test_a_committed_args_file_is_a_config_as_it_is(tmp_path):
    steps_regression.main(['--config', str(ROOT / 'results/steps_regression/args'),
                           '--out', str(tmp_path / 'run')])
    assert untimed(tmp_path / 'run') == untimed(ROOT / 'results/steps_regression')
    record = json.loads((tmp_path / 'run' / 'args').read_text())
    assert record['experiment'] == 'experiments.steps_regression'
    assert record['epoch'] == 100 and record['optimizer'] == 'SGD'


def test_rerun_replays_a_run_folder_outside_results(tmp_path):
    result = netlib('rerun', ROOT / 'results/logic_gates', cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert untimed(tmp_path / 'runs/logic_gates') == untimed(ROOT / 'results/logic_gates')
    assert not (ROOT / 'results/logic_gates-2').exists()


def test_print_config_fed_back_gives_the_same_run(tmp_path, capsys):
    flags = ['--epoch', '20', '--optimizer', 'adam', '--lr', '0.01', '--seed', '5']
    settings = printed_config(capsys, steps_regression.main, *flags, '--out', tmp_path / 'a')
    assert not (tmp_path / 'a').exists()  # printing runs nothing
    (tmp_path / 'config.json').write_text(json.dumps(settings))
    steps_regression.main(['--config', str(tmp_path / 'config.json')])
    steps_regression.main([*flags, '--out', str(tmp_path / 'b')])
    assert untimed(tmp_path / 'a') == untimed(tmp_path / 'b')
    # The run's own args, fed back, print the same settings (but the folder to write).
    again = printed_config(capsys, steps_regression.main, '--config', tmp_path / 'a' / 'args')
    assert {**again, 'out': None} == {**settings, 'out': None}


def test_command_line_flags_override_the_config(tmp_path, capsys):
    (tmp_path / 'config.json').write_text(json.dumps(
        {'epoch': 30, 'optimizer': 'momentum', 'optimizer_arg': ['momentum=0.8'],
         'seed': 7, 'progress': False}))
    settings = printed_config(capsys, logic_gates.main, '--config', tmp_path / 'config.json',
                              '--seed', '8', '--optimizer-arg', 'momentum=0.5')
    assert (settings['epoch'], settings['optimizer'], settings['seed']) == (30, 'MomentumSGD', 8)
    assert settings['optimizer_arg'] == ['momentum=0.5']  # a list given replaces the config's
    assert settings['progress'] is False and settings['experiment'] == 'experiments.logic_gates'


def test_a_yaml_config_goes_through_each_flags_own_type(tmp_path, capsys):
    pytest.importorskip('yaml')
    (tmp_path / 'config.yaml').write_text('units: [3, 4, 1]\nepoch: 10\nlr: 1e-3\n'
                                          'optimizer: adam\nreplay_blog: false\n')
    settings = printed_config(capsys, steps_regression.main, '--config',
                              tmp_path / 'config.yaml')
    assert (settings['units'], settings['lr'], settings['optimizer']) == ([3, 4, 1], 0.001,
                                                                          'Adam')


BAD = {
    'missing': (None, 'cannot read it'),
    'not_a_mapping': ('[1, 2]', 'not a JSON or YAML mapping'),
    'not_text': (b'\x80\x81\xff', 'not a JSON or YAML mapping'),
    'unknown_key': ('{"epochs": 3}', "unknown key 'epochs'"),
    'bad_value': ('{"epoch": 0}', 'must be a positive integer'),
    'bad_type': ('{"units": {"a": 1}}', 'is not a value of --units'),
    'null_for_a_number': ('{"seed": null}', 'is not a value of --seed'),
    'bad_choice': ('{"kernels": "slow"}', "invalid choice: 'slow'"),
    'other_experiment': ('{"experiment": "experiments.logic_gates"}', 'for experiment'),
}


@pytest.mark.parametrize('case', BAD)
def test_a_bad_config_is_one_line_and_exit_2_and_writes_nothing(case, tmp_path, capsys):
    text, message = BAD[case]
    path = tmp_path / 'config'
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif text is not None:
        path.write_text(text)
    with pytest.raises(SystemExit) as exit_:
        steps_regression.main(['--config', str(path), '--out', str(tmp_path / 'run')])
    error = capsys.readouterr().err
    assert exit_.value.code == 2
    assert error.count('\n') == 1 and message in error and f'--config {path}' in error
    assert not (tmp_path / 'run').exists()


def test_another_experiments_record_is_refused_by_netlib_run(tmp_path):
    steps_regression.main(['--out', str(tmp_path / 'run')])
    result = netlib('run', 'logic_gates', '--config', tmp_path / 'run' / 'args')
    assert result.returncode == 2
    assert result.stderr.count('\n') == 1 and 'Traceback' not in result.stderr
    assert "for experiment 'experiments.steps_regression', not logic_gates" in result.stderr


@pytest.mark.parametrize('args, message', [
    (None, 'cannot read'),
    ('not json', "is not a run's args"),
    ('{"epoch": 3}', "unknown experiment 'somewhere'"),
])
def test_rerun_of_a_folder_without_usable_args_is_one_line(args, message, tmp_path):
    folder = tmp_path / 'somewhere'
    folder.mkdir()
    if args is not None:
        (folder / 'args').write_text(args)
    result = netlib('rerun', folder, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count('\n') == 1 and message in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ['somewhere']


def test_the_experiment_is_the_script_that_parses_its_flags():
    module = steps_regression.__spec__
    assert config.script_name(vars(steps_regression)) == 'experiments.steps_regression'
    assert config.script_name({'__name__': '__main__', '__spec__': module}) == module.name
    assert config.script_name({'__name__': '__main__', '__spec__': None,
                               '__file__': '/x/mine.py'}) == '/x/mine.py'
    # netlib run path/to/mine.py: loaded from its file, not imported
    assert config.script_name({'__name__': 'mine', '__spec__': module,
                               '__file__': '/x/mine.py'}) == '/x/mine.py'
    assert config.script_name({'__name__': 'netlib.api'}) is None
    assert {config.short_name('experiments.mnist_mlp'),
            config.short_name('/x/mnist_mlp.py')} == {'mnist_mlp'}
