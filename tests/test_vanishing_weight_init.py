"""vanishing_gradient and weight_init, each run small, checked against its claim.

Every claim is asserted on the numbers the script measured (seed 0) at a
small size; the registry checks the same claims at the default settings.
Their --help and missing-data checks are in test_concepts.py's lists.
"""

import json

from experiments import vanishing_gradient, weight_init


def run_small(script, out, data_dir, *args):
    """``script.main`` on the shared data into *out*; its metrics."""
    metrics = script.main(['--data-dir', str(data_dir), '--out', str(out), *map(str, args)])
    assert json.loads((out / 'metrics.json').read_text()) == metrics
    return metrics


def assert_plots(out, *names):
    for name in names:
        assert (out / name).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n', name


def test_vanishing_gradient(tmp_path, data_dir, capsys):
    out = tmp_path / 'run'
    metrics = run_small(vanishing_gradient, out, data_dir, '--iteration', 20,
                        '--train-size', 200, '--test-size', 100)
    assert metrics['sigmoid_derivative_max'] == 0.25
    assert metrics['relu_derivative_max'] == 1.0
    assert metrics['sigmoid_grad_ratio'] < 1e-2
    assert metrics['sigmoid_grad_ratio_trained'] < 1e-2
    assert 1e-1 < metrics['relu_grad_ratio'] < 1e1
    assert 1e-1 < metrics['tanh_grad_ratio'] < 1e1
    assert len(metrics['sigmoid_grad_norms_init']) == 11  # 10 hidden layers + output
    printed = capsys.readouterr().out
    assert 'first-layer / last-layer (output layer) gradient norm' in printed
    assert 'initial weights: sigmoid xavier, relu he, tanh xavier' in printed
    assert_plots(out, 'derivatives.png', 'gradient_norms.png', 'loss.png')
    # The compared nets train in one loop: one log, a loss column per activation.
    log = json.loads((out / 'log').read_text())
    assert [record['iteration'] for record in log] == list(range(2, 21, 2))
    assert {'sigmoid/loss', 'relu/loss', 'tanh/loss'} <= set(log[-1])


def test_relu_learns_from_he_initialisation_not_from_xavier(tmp_path, data_dir):
    # He et al. 2015: with std sqrt(1/n) a deep relu net's signal halves in variance per
    # layer, and in 100 updates it barely moves from chance (ln 10 = 2.303); from He's
    # sqrt(2/n), the default pairing, the same draws and batches learn.
    flags = ('--activation', 'relu', '--iteration', 100, '--train-size', 500,
             '--test-size', 100)
    he = run_small(vanishing_gradient, tmp_path / 'he', data_dir, *flags)
    xavier = run_small(vanishing_gradient, tmp_path / 'xavier', data_dir, *flags,
                       '--init', 'xavier')
    assert he['relu_final_loss'] < 1.0 < 2.2 < xavier['relu_final_loss']
    assert he['relu_first_loss'] > 2.3  # it started at chance too
    assert he['relu_test_accuracy'] > xavier['relu_test_accuracy'] + 0.3


def test_vanishing_gradient_resumes_bit_identically(tmp_path, data_dir, capsys):
    # The final loss is the mean of the last 10 % of mini-batch losses (19 and
    # 20): the snapshot at 19 must bring back the loss of iteration 19 (and
    # each net's random stream), or the resumed run's numbers differ.
    flags = ('--iteration', 20, '--frequency', 19, '--train-size', 200, '--test-size', 100,
             '--activation', 'relu,tanh')
    whole = run_small(vanishing_gradient, tmp_path / 'whole', data_dir, *flags)
    resumed = run_small(vanishing_gradient, tmp_path / 'resumed', data_dir, *flags,
                        '--resume', tmp_path / 'whole' / 'snapshot_iter_19')
    assert 'resumed from' in capsys.readouterr().out
    assert resumed == whole


def test_weight_init(tmp_path, data_dir):
    out = tmp_path / 'run'
    metrics = run_small(weight_init, out, data_dir, '--iteration', 200,
                        '--train-size', 1000, '--histogram-inputs', 200)
    assert metrics['std001_final_loss'] > 2.0  # barely below ln 10 = 2.303: no learning
    assert metrics['he_final_loss'] < metrics['xavier_final_loss'] < metrics['std001_final_loss']
    spread = metrics['relu_he_activation_std']
    assert max(spread) / min(spread) < 2  # He keeps relu activations alike over layers
    assert metrics['relu_std001_activation_std'][-1] < 1e-4  # std 0.01 makes them vanish
    assert_plots(out, 'activations_sigmoid.png', 'activations_relu.png', 'loss.png')
    assert {'std001/loss', 'xavier/loss', 'he/loss'} <= set(
        json.loads((out / 'log').read_text())[-1])


def test_a_diverging_net_stops_with_one_line(run, tmp_path, data_dir):
    result = run('experiments.vanishing_gradient', '--lr', 50, '--iteration', 50,
                 '--train-size', 300, '--activation', 'relu', '--data-dir', data_dir,
                 '--out', tmp_path / 'run')
    assert result.returncode == 3
    assert result.stderr.count('\n') == 1 and 'training diverged' in result.stderr


def test_a_dead_net_has_no_gradient_ratio(tmp_path, data_dir, capsys):
    # One relu unit per layer: inactive for every image, so no gradient reaches
    # the output layer and first / last is 0 / 0.
    metrics = run_small(vanishing_gradient, tmp_path / 'run', data_dir, '--activation', 'relu',
                        '--unit', 1, '--iteration', 5, '--train-size', 200,
                        '--test-size', 100)
    assert metrics['relu_grad_norms_init'][-1] == 0
    assert metrics['relu_grad_ratio'] is None
    assert 'undefined (output-layer gradient is 0)' in capsys.readouterr().out
