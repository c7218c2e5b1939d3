"""The concept experiments of issue 5, each run small, checked against its claim.

Every claim is asserted on the numbers the script measured (seed 0), at
settings small enough for the whole file to take well under three minutes
on two cores; the registry checks the same claims at the default settings.
"""

import json
import urllib.error
import urllib.request

import chainer
import numpy as np
import pytest

from conftest import registry_misses
from experiments import autoencoder, batch_norm, overfit_dropout, vanishing_gradient, weight_init
from netlib import cli
from netlib.evaluation import gradients
from netlib.links.mlp import MLP, Classifier
from netlib.links.regularized import BatchNormMLP, DropoutMLP
from netlib.training.seed import set_seed


def run_small(script, tmp_path, data_dir, *args):
    """``script.main`` on the shared data into a fresh run folder; its metrics and folder."""
    out = tmp_path / 'run'
    metrics = script.main(['--data-dir', str(data_dir), '--out', str(out), *map(str, args)])
    assert json.loads((out / 'metrics.json').read_text()) == metrics
    return metrics, out


def assert_plots(out, *names):
    for name in names:
        assert (out / name).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n', name


def test_batch_norm(tmp_path, data_dir):
    metrics, out = run_small(batch_norm, tmp_path, data_dir, '--scales', 3, '--epoch', 10)
    assert metrics['weight_scales'] == pytest.approx([1.0, 1e-2, 1e-4])
    assert metrics['batchnorm_minus_plain_at_worst_scale'] >= 0.1  # the registry's criterion
    assert metrics['batchnorm_accuracy_at_worst_scale'] > 0.2  # above chance (0.1)
    assert metrics['scales_where_batchnorm_is_better'] >= 2
    for kind in ('plain', 'batchnorm'):
        finals = metrics[f'{kind}_train_accuracy']
        assert metrics[f'{kind}_min_accuracy'] == min(finals)
        assert metrics[f'{kind}_max_accuracy'] == max(finals)
        assert metrics[f'{kind}_mean_accuracy'] == pytest.approx(np.mean(finals))
    assert metrics['batchnorm_min_accuracy'] > metrics['plain_min_accuracy']
    assert metrics['batchnorm_mean_accuracy'] > metrics['plain_mean_accuracy']
    assert_plots(out, 'accuracy_grid.png', 'final_accuracy.png')
    log = json.loads((out / 'log').read_text())  # one record per epoch, every net in it
    assert [record['epoch'] for record in log] == list(range(1, 11))
    assert [log[-1][f'plain-{index}/train_accuracy'] for index in range(3)] == \
        metrics['plain_train_accuracy']


def test_batch_norm_resumes_bit_identically(tmp_path, data_dir, capsys):
    # The snapshot must carry each batch norm layer's running mean and variance (the
    # test-mode accuracy reads them) and each net's random stream.
    flags = ('--scales', 2, '--epoch', 3, '--frequency', 2, '--train-size', 300)
    whole, _ = run_small(batch_norm, tmp_path / 'whole', data_dir, *flags)
    resumed, _ = run_small(batch_norm, tmp_path / 'resumed', data_dir, *flags, '--resume',
                           tmp_path / 'whole' / 'run' / 'snapshot_epoch_2')
    assert 'resumed from' in capsys.readouterr().out
    assert resumed == whole


def test_overfit_dropout(tmp_path, data_dir):
    metrics, out = run_small(overfit_dropout, tmp_path, data_dir, '--epoch', 100,
                             '--test-size', 500)
    assert metrics['plain_train_accuracy'] > 0.95  # 300 images learnt by heart
    assert registry_misses('overfit_dropout', metrics) == []
    assert_plots(out, 'accuracy.png', 'gap.png')
    last = json.loads((out / 'log').read_text())[-1]  # the log holds every epoch's numbers
    assert last['epoch'] == 100
    assert last['dropout/test_accuracy'] == metrics['dropout_test_accuracy']


def test_autoencoder(tmp_path, data_dir):
    metrics, out = run_small(autoencoder, tmp_path, data_dir, '--epoch', 4,
                             '--train-size', 5000, '--test-size', 500)
    assert registry_misses('autoencoder', metrics) == []
    assert metrics['mean_image_mse'] > 0.05  # the baseline is a real, poor answer
    assert metrics['constant_code_units'] == 0  # leaky relu: no code unit dies
    assert_plots(out, 'mse_vs_mean_image.png', 'reconstructions.png')
    last = json.loads((out / 'log').read_text())[-1]
    assert last['epoch'] == 4 and last['validation/main/loss'] == pytest.approx(
        metrics['test_mse'], rel=1e-5)  # the Trainer's test loss is the measured MSE


def test_gradient_norms_measure_without_changing_weights():
    set_seed(0)
    model = Classifier(MLP((4, 3, 2)))
    before = [layer.W.array.copy() for layer in model.predictor]
    x, t = np.ones((5, 4), np.float32), np.array([0, 1, 0, 1, 0], np.int32)
    norms = gradients.gradient_norms_on_batch(model, model.predictor, x, t)
    assert len(norms) == 2 and all(norm > 0 for norm in norms)
    assert all((layer.W.array == w).all() for layer, w in zip(model.predictor, before))
    assert all(param.grad is None for param in model.params())


def test_dropout_only_while_training():
    set_seed(0)
    net = DropoutMLP((20, 50, 3), ratio=0.5)
    x = np.ones((4, 20), np.float32)
    with chainer.using_config('train', False):
        assert (net(x).array == MLP.forward(net, x).array).all()
    with chainer.using_config('train', True):
        assert not (net(x).array == MLP.forward(net, x).array).all()


def test_batch_norm_net_starts_from_the_plain_nets_weights():
    set_seed(0)
    plain = MLP((6, 5, 5, 2))
    set_seed(0)
    normed = BatchNormMLP((6, 5, 5, 2))
    assert len(normed.norms) == 2
    for a, b in zip(plain, normed.linears):
        assert (a.W.array == b.W.array).all()


def test_batch_norm_running_variance_starts_as_the_books():
    # The book's running variance starts at 0, Chainer's at 1; after one training batch
    # the book's holds a tenth (decay 0.9) of the batch's variance, with nothing of the 1.
    set_seed(0)
    net = BatchNormMLP((6, 5, 2), initialW=chainer.initializers.Normal(1e-4),
                       initial_avg_var=0)
    x = np.random.rand(8, 6).astype(np.float32)
    with chainer.using_config('train', True):
        net(x)
    u = net.linears[0](x).array
    assert net.norms[0].avg_var == pytest.approx(0.1 * u.var(axis=0, ddof=1), rel=1e-4)
    assert BatchNormMLP((6, 5, 2)).norms[0].avg_var.tolist() == [1] * 5  # Chainer's


@pytest.mark.parametrize('module, args, message', [
    ('vanishing_gradient', ['--activation', 'sigmoid,nope'], 'unknown activation'),
    ('vanishing_gradient', ['--init', 'lecun'], "invalid choice: 'lecun'"),
    ('overfit_dropout', ['--dropout-ratio', '1'], 'must be below 1'),
    ('overfit_dropout', ['--weight-decay', '0'], 'must be above 0'),
    ('batch_norm', ['--eps', '0'], 'positive finite'),
])
def test_bad_flags_exit_2_with_one_line(run, module, args, message, tmp_path):
    result = run(f'experiments.{module}', *args, '--out', tmp_path / 'run')
    assert result.returncode == 2
    assert result.stderr.count('\n') == 1 and message in result.stderr


@pytest.mark.parametrize('module', ['vanishing_gradient', 'weight_init', 'batch_norm',
                                    'overfit_dropout', 'autoencoder'])
def test_help_explains(run, module):
    result = run(f'experiments.{module}', '--help')
    assert result.returncode == 0
    assert '--seed' in result.stdout and '--data-dir' in result.stdout
    assert '--optimizer' in result.stdout and '--device' in result.stdout


@pytest.mark.parametrize('script', [batch_norm, overfit_dropout, vanishing_gradient,
                                    weight_init, autoencoder])
@pytest.mark.parametrize('exists', [False, True], ids=['absent', 'empty'])
def test_missing_data_exits_2_and_leaves_no_run_folder(script, exists, tmp_path, monkeypatch,
                                                       capsys):
    def offline(url, timeout):
        raise urllib.error.URLError('no network')
    monkeypatch.setattr(urllib.request, 'urlopen', offline)
    data = tmp_path / 'data'  # a wrong --data-dir: not there, or without MNIST
    if exists:
        data.mkdir()
    out = tmp_path / 'run'
    with pytest.raises(SystemExit) as exit_info:
        cli.run_main(script.main, ['--data-dir', str(data), '--out', str(out)])
    assert exit_info.value.code == 2
    stderr = capsys.readouterr().err
    assert stderr.count('\n') == 1 and str(data) in stderr
    assert not out.exists()
    assert not list(tmp_path.glob('run*'))  # nor a numbered sibling


def test_autoencoder_with_a_single_test_image(tmp_path, data_dir):
    metrics, out = run_small(autoencoder, tmp_path, data_dir, '--epoch', 1,
                             '--train-size', 200, '--test-size', 1, '--unit', 16,
                             '--code', 4)
    assert np.isfinite(metrics['test_mse'])
    assert_plots(out, 'reconstructions.png')
