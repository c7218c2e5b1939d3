import itertools
import json
import subprocess
import sys

import chainer.links as L
import numpy as np
import pytest

from conftest import ROOT
from experiments import steps_regression
from netlib import optimizers
from netlib import steps
from netlib.links.mlp import MLP
from netlib.training.seed import set_seed

# What the case-k post printed (../shared/seeds/case-k-chainer-steps.txt).
POST_PRINTED = (
    'variable W([[ 0.02888694 -0.23364061 -0.31486371]\n'
    '            [-0.8928591   0.56717008 -0.63570172]])',
    'variable([[-1.38298547 -1.66562414]])',
    'variable([[ 1.70384192  0.        ]])',
    'variable([[-1.42774189]])',
    'variable(19.60489845275879)',
)


def test_final_code_block_loss_matches_plain_numpy(tmp_path, capsys):
    metrics = steps_regression.main(['--out', str(tmp_path / 'run')])
    # The post's final code block by hand: seed 3, then W1 (2x3) and W2 (1x2) drawn
    # from N(0, 1/fan_in) as LeCunNormal does, zero biases, relu, squared error.
    np.random.seed(3)
    w1 = np.random.normal(0, np.sqrt(1 / 3), (2, 3)).astype('f')
    w2 = np.random.normal(0, np.sqrt(1 / 2), (1, 2)).astype('f')
    y = np.maximum(np.array([[1, 2, 3]], 'f') @ w1.T, 0) @ w2.T
    expected = float(((y - np.float32(3)) ** 2).mean())
    assert metrics['loss'] == pytest.approx(expected, rel=1e-6)
    assert metrics['numpy_loss'] == pytest.approx(expected, rel=1e-6)
    assert f'variable({metrics["loss"]!r})' in capsys.readouterr().out


def test_trained_loss_is_the_last_line(tmp_path, capsys):
    metrics = steps_regression.main(['--optimizer', 'adam', '--lr', '0.01', '--epoch', '50',
                                     '--out', str(tmp_path / 'run')])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == f'loss after 50 updates with Adam {metrics["final_loss"]!r}'
    assert metrics['final_loss'] < metrics['loss'] / 10


@pytest.mark.parametrize('flag', [['--optimizer', 'adamw'], ['--lr', '0.1'],
                                  ['--weight-decay', '0.1']])
def test_optimizer_flags_without_epoch_are_refused(tmp_path, flag):
    result = subprocess.run([sys.executable, '-m', 'experiments.steps_regression', *flag,
                             '--out', str(tmp_path / 'run')], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 2
    assert result.stderr.strip().count('\n') == 0 and 'nothing is trained' in result.stderr
    assert not (tmp_path / 'run').exists()


def test_replay_prints_what_the_post_printed(tmp_path, capsys):
    metrics = steps_regression.main(['--replay-blog', '--out', str(tmp_path / 'run')])
    assert metrics['loss'] == 19.60489845275879
    printed = capsys.readouterr().out
    for text in POST_PRINTED:
        assert text in printed


def _printed_values(order):
    """Layer creations after seed(3): 'A' = Linear(3,2), 'B' = Linear(2,1)."""
    np.random.seed(3)
    return [L.Linear(3, 2) if kind == 'A' else L.Linear(2, 1) for kind in order]


def test_replay_order_is_the_only_one():
    """Every order of up to 5 layer creations: only 14 draws before the printed layer fit."""
    printed_w = np.array([[0.02888694, -0.23364061, -0.31486371],
                          [-0.8928591, 0.56717008, -0.63570172]], 'f')
    z = np.array([[1.70384192, 0.]], 'f')  # STEP 2's output: that of the first layer
    fits = []
    for length in range(1, 6):
        for order in itertools.product('AB', repeat=length):
            links = _printed_values(order)
            if order[0] != 'A' or order[-2:] != ('A', 'B'):
                continue
            if (np.allclose(links[-2].W.array, printed_w, atol=1e-8)
                    and np.isclose(float(links[-1](z).array[0, 0]), -1.42774189, atol=1e-7)):
                fits.append(''.join(order))
    assert sorted(fits) == ['AABAB', 'ABAAB']
    replayed = ''.join({'step1': 'A', 'step3': 'B'}.get(c, '')
                       for c in steps_regression.BLOG_CELL_ORDER)
    assert replayed in fits


def test_default_optimizer_drives_loss_below_1e_6(tmp_path):
    metrics = steps_regression.main(['--epoch', '100', '--out', str(tmp_path / 'run')])
    assert metrics['final_loss'] < 1e-6


def _loss_after(optimizer_name, updates=50):
    set_seed(3)
    x, t = steps_regression.post_data()
    model = MLP((3, 2, 1))
    optimizer = optimizers.setup(optimizers.create(optimizer_name), model)
    for _ in range(updates):
        steps.update(optimizer, steps.loss(model(x), t))
    return float(steps.loss(model(x), t).array)


@pytest.mark.filterwarnings('ignore::RuntimeWarning')  # MSVAG divides 0/0 once its variance is 0
@pytest.mark.parametrize('name', sorted(optimizers.registry()))
def test_every_registered_optimizer_lowers_the_loss(name):
    assert _loss_after(name) < 9.608059


def test_same_seed_writes_identical_logs(tmp_path):
    for name in ('a', 'b'):
        steps_regression.main(['--epoch', '30', '--optimizer', 'adam', '--lr', '0.01',
                               '--out', str(tmp_path / name)])
    first, second = ([{key: value for key, value in record.items() if key != 'elapsed_time'}
                      for record in json.loads((tmp_path / name / 'log').read_text())]
                     for name in ('a', 'b'))
    assert first == second
    assert len(first) == 30


@pytest.mark.parametrize('optimizer', [('adam', '--lr', '0.01'), ('momentum',), ('adagrad',),
                                       ('rmsprop',), ('adadelta',)])
def test_acceptance_runs_write_a_run_folder(run, tmp_path, optimizer):
    out = tmp_path / 'run'
    result = run('experiments.steps_regression', '--optimizer', *optimizer,
                 '--epoch', '200', '--out', out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ['args', 'log', 'loss.png', 'metrics.json']
    log = json.loads((out / 'log').read_text())
    assert [r['epoch'] for r in log] == list(range(1, 201))
    assert log[-1]['main/loss'] < log[0]['main/loss']
    assert json.loads((out / 'args').read_text())['optimizer'] == optimizers.resolve(optimizer[0])


def test_earlier_run_is_never_overwritten(tmp_path, capsys):
    out = tmp_path / 'run'
    steps_regression.main(['--out', str(out)])
    before = [(out / name).read_bytes() for name in ('metrics.json', 'log')]
    steps_regression.main(['--epoch', '5', '--out', str(out)])
    assert [(out / name).read_bytes() for name in ('metrics.json', 'log')] == before
    assert (tmp_path / 'run-2' / 'log').exists()
    assert 'holds an earlier run' in capsys.readouterr().out


def test_runs_as_a_file_path(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / 'experiments' / 'steps_regression.py'),
                             '--replay-blog', '--out', str(tmp_path / 'run')],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert 'variable(19.60489845275879)' in result.stdout
