import itertools
import json

import numpy as np
import pytest

from conftest import registry_misses
from experiments import logic_gates
from experiments.logic_gates import AND, EXPECTED, INPUTS, NAND, NAND_AS_POSTED, OR


@pytest.fixture(scope='module')
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp('logic_gates') / 'run'
    return out, logic_gates.main(['--out', str(out), '--no-progress'])


@pytest.mark.parametrize('gate, name', [(AND, 'and'), (OR, 'or'), (NAND, 'nand')])
def test_truth_tables_are_exact(gate, name):
    assert gate(INPUTS).tolist() == EXPECTED[name]


def test_xor_is_and_of_or_and_nand():
    hidden = np.stack([OR(INPUTS), NAND(INPUTS)], axis=1)
    assert hidden.tolist() == [[0, 1], [1, 1], [1, 1], [1, 0]]
    assert AND(hidden).tolist() == logic_gates.xor(INPUTS).tolist() == [0, 1, 1, 0]


def test_nand_as_posted_fires_on_the_boundary():
    """Flipping AND's signs keeps the total 0 at (1, 1), where ">= 0" fires."""
    assert NAND_AS_POSTED.bias + np.dot([1, 1], NAND_AS_POSTED.weights) == 0
    assert NAND_AS_POSTED(INPUTS).tolist() == [1, 1, 1, 1]


def test_negated_is_not_for_every_input_including_the_boundary():
    grid = np.array(list(itertools.product(np.linspace(-2, 2, 17), repeat=2)))
    for gate in (AND, OR, NAND):
        assert (gate.negated()(grid) == 1 - gate(grid)).all()


def test_metrics_hold_exact_tables(default_run):
    _, metrics = default_run
    for name, table in EXPECTED.items():
        assert metrics[f'{name}_table'] == table
        assert metrics[f'{name}_table_ok'] == 1.0
    assert metrics['nand_as_posted_table'] == [1, 1, 1, 1]


def test_mlp_learns_xor_and_a_single_linear_layer_does_not(default_run):
    _, metrics = default_run
    assert registry_misses('logic_gates', metrics) == []  # xor_linear_accuracy <= 0.75, ...
    assert metrics['xor_mlp_accuracy'] == 1.0


def test_both_nets_train_in_one_loop_with_a_loss_per_epoch(default_run):
    out, _ = default_run
    log = json.loads((out / 'log').read_text())
    assert [record['epoch'] for record in log] == list(range(1, 501))
    # The linear layer's best is W = 0: probability 1/2 for every input, loss ln 2.
    assert log[-1]['linear/loss'] == pytest.approx(np.log(2), abs=1e-4)
    assert log[-1]['mlp/loss'] < 0.01 < log[0]['mlp/loss']


def test_run_folder(default_run):
    out, metrics = default_run
    assert sorted(p.name for p in out.iterdir()) == [
        'activations.png', 'args', 'log', 'metrics.json', 'snapshot_epoch_400',
        'snapshot_epoch_500', 'xor_loss.png']
    assert json.loads((out / 'metrics.json').read_text()) == metrics
    assert json.loads((out / 'args').read_text())['optimizer'] == 'RMSprop'


def test_unknown_optimizer_is_one_line_and_exit_2(run, tmp_path):
    result = run('experiments.logic_gates', '--optimizer', 'bogus', '--out', tmp_path / 'run')
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "unknown optimizer 'bogus'" in result.stderr
    assert not (tmp_path / 'run').exists()
