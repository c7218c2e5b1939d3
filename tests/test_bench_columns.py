"""The bench's two columns and issue 25's targets: the pure parts, no timing."""

import os

from bench import columns, targets, whole_runs

MACHINE = {'PATH': '/usr/bin', 'OPENBLAS_CORETYPE': 'Haswell', 'OPENBLAS_L2_SIZE': '1048576'}


def test_the_users_environment_lacks_both_variables_and_keeps_the_rest():
    assert columns.users_environment(MACHINE) == {'PATH': '/usr/bin'}
    assert columns.variables_set(MACHINE) == {'OPENBLAS_CORETYPE': 'Haswell',
                                              'OPENBLAS_L2_SIZE': '1048576'}
    assert columns.variables_set(columns.users_environment(MACHINE)) == {}


def test_a_process_started_without_the_variables_reports_them_unset():
    kernel = columns.openblas_kernel(columns.users_environment(os.environ))
    assert kernel['variables'] == {'OPENBLAS_CORETYPE': None, 'OPENBLAS_L2_SIZE': None}
    assert kernel['architecture']  # threadpoolctl names the kernel OpenBLAS picked


def test_each_ratio_gets_its_own_bound_or_every_whole_run_s():
    assert targets.bound('mnist_mlp_whole_run_netlib_over_pytorch') == 0.8
    assert targets.bound('mnist_cnn_full_epoch_whole_run_netlib_over_pytorch') == 1.0
    assert targets.bound('char_lm_third_of_reproduce_whole_run_netlib_over_pytorch') == 0.9
    assert targets.bound('cnn_netlib_over_limit') == 1.4
    assert targets.bound('mlp_netlib_over_limit') is None


def test_check_says_met_up_to_the_bound_and_skips_ratios_without_one():
    checked = targets.check({'gan_mnist_whole_run_netlib_over_pytorch': 0.9,
                             'cnn_netlib_over_pytorch': 1.01, 'mlp_netlib_over_limit': 2.0})
    assert checked == {
        'gan_mnist_whole_run_netlib_over_pytorch': {'ratio': 0.9, 'at_most': 0.9, 'met': True},
        'cnn_netlib_over_pytorch': {'ratio': 1.01, 'at_most': 1.0, 'met': False}}


def test_the_table_shows_both_columns_the_target_and_the_note(monkeypatch):
    kernel = {'architecture': 'Haswell', 'version': '0.3',
              'variables': {'OPENBLAS_CORETYPE': 'Haswell', 'OPENBLAS_L2_SIZE': None}}
    monkeypatch.setattr(columns, 'openblas_kernel', lambda environment: kernel)
    ratios = {'cnn_netlib_over_limit': 1.5, 'mnist_mlp_whole_run_netlib_over_pytorch': 0.7}
    built = columns.build(MACHINE, ratios)
    assert built['users_machine']['ratios'] == ratios
    assert built['users_machine']['note'] == columns.ALREADY_UNSET
    lines = columns.table(built)
    assert 'Haswell kernels (OPENBLAS_CORETYPE=Haswell, OPENBLAS_L2_SIZE unset)' in lines[0]
    rows = lines[-2:]  # whole runs first
    assert rows[0].split() == ['mnist_mlp_whole_run_netlib_over_pytorch', '0.70', '0.70',
                               '<=', '0.80', 'met', '/', 'met']
    assert rows[1].startswith('cnn_netlib_over_limit') and rows[1].endswith('NOT met / NOT met')


def test_a_full_setting_gives_netlib_and_its_twin_the_same_flags(tmp_path):
    for name in whole_runs.FULL_SETTINGS:
        netlib, twin = whole_runs.commands(name, tmp_path, tmp_path)
        experiment, flags = whole_runs.experiment_and_flags(name)
        assert netlib[2] == f'experiments.{experiment}'
        assert twin[1].endswith(f'twins/{experiment}.py')
        assert netlib[3:3 + len(flags)] == twin[2:2 + len(flags)] == flags


def test_a_full_setting_after_its_short_one_skips_the_warm_up(monkeypatch, tmp_path):
    launched = []

    def fake_run(command, out, metrics_of, environment=None):
        launched.append((command[2] if command[1] == '-m' else 'twin', environment))
        return 1.0, {}

    monkeypatch.setattr(whole_runs, 'run_seconds', fake_run)
    measured = whole_runs.measure(['mnist_cnn', 'mnist_cnn_full_epoch'], 2, tmp_path,
                                  users_environment={'PATH': '/usr/bin'})
    assert len(launched) == 3 * 3 + 3 * 2  # short: warm-up and 2 rounds; full: 2 rounds
    assert measured['mnist_cnn_full_epoch'][whole_runs.USERS_SIDE] == [1.0, 1.0]
    assert launched[:3] == [('experiments.mnist_cnn', None), ('twin', None),
                            ('experiments.mnist_cnn', {'PATH': '/usr/bin'})]
