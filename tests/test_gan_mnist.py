"""The GAN: the updater resumes bit-identically after kill -9, and the quality measures'
formulas on distributions whose answer is known."""

import json
import signal
import subprocess
import sys
import time

import chainer
import numpy as np
import pytest
from chainer import gradient_check

from conftest import ROOT
from netlib.links.convnets import KerasMnistCNN
from netlib.links.gan import Discriminator, Generator
from netlib.evaluation.sample_quality import classifier_score, frechet_distance
from netlib.serializers.saved_models import save

TIMING_KEYS = ('elapsed_time', '_log')


@pytest.mark.parametrize('make, inputs', [(Generator, 100), (Discriminator, 784)])
def test_the_networks_backward_matches_central_differences(make, inputs):
    np.random.seed(0)
    with chainer.using_config('dtype', np.float64):
        model = make()
    x = np.random.RandomState(1).uniform(-1, 1, (3, inputs))
    # train=False: batch normalization on its running averages, and no noise, so the
    # function is deterministic for the central differences
    with chainer.using_config('train', False):
        y_grad = np.random.RandomState(2).uniform(-1, 1, model(x).shape)
        gradient_check.check_backward(model, x, y_grad, params=tuple(model.params()),
                                      eps=1e-6, atol=1e-7, rtol=1e-5, dtype=np.float64)


def test_the_score_of_one_repeated_prediction_is_1():
    probabilities = np.tile(np.random.RandomState(0).dirichlet(np.ones(10)), (500, 1))
    assert classifier_score(probabilities) == pytest.approx(1.0)


def test_the_score_of_confident_predictions_spread_over_the_classes_is_near_10():
    labels = np.arange(1000) % 10
    assert classifier_score(np.eye(10)[labels]) == pytest.approx(10.0, rel=1e-9)
    confident = np.full((1000, 10), 0.01 / 9)  # 99 % on the right digit
    confident[np.arange(1000), labels] = 0.99
    assert 9.0 < classifier_score(confident) < 10.0
    assert classifier_score(np.eye(10)[labels % 2]) == pytest.approx(2.0)  # two digits only


def test_the_frechet_distance_of_gaussians():
    rng = np.random.RandomState(0)
    a, b = rng.normal(0, 1, (200000, 1)), rng.normal(3, 2, (200000, 1))
    # 1-D: (mean difference)^2 + (sd difference)^2 = 9 + 1
    assert frechet_distance(a, b) == pytest.approx(10.0, rel=0.01)
    features = rng.normal(size=(5000, 8))
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-9)


@pytest.fixture(scope='module')
def classifier(tmp_path_factory):
    """An untrained scoring CNN: the pipeline, not the numbers, is under test."""
    path = tmp_path_factory.mktemp('cnn') / 'cnn.npz'
    np.random.seed(0)
    save(path, KerasMnistCNN())
    return path


def _command(out, classifier, data_dir, epochs=4):
    return [sys.executable, '-m', 'experiments.gan_mnist', '--epoch', str(epochs),
            '--train-size', '600', '--batchsize', '50', '--samples', '100',
            '--classifier', str(classifier), '--data-dir', str(data_dir), '--out', str(out)]


def _arrays(path):
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files if not key.endswith(TIMING_KEYS)}


def _records(out):
    return [{k: v for k, v in r.items() if k != 'elapsed_time'}
            for r in json.loads((out / 'log').read_text())]


def test_kill_and_resume_ends_bit_identical(tmp_path, classifier, data_dir):
    whole, killed = tmp_path / 'whole', tmp_path / 'killed'
    subprocess.run(_command(whole, classifier, data_dir), cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    process = subprocess.Popen(_command(killed, classifier, data_dir), cwd=ROOT,
                               stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (killed / 'snapshot_epoch_1').exists() and process.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # into the next epoch
    if process.poll() is not None:
        pytest.fail('the run finished before it could be killed; make it longer')
    process.send_signal(signal.SIGKILL)
    process.wait()
    resumed = subprocess.run(_command(killed, classifier, data_dir) + ['--resume'], cwd=ROOT,
                             check=True, capture_output=True, text=True)
    assert 'resumed from' in resumed.stdout
    expected, got = _arrays(whole / 'snapshot_epoch_4'), _arrays(killed / 'snapshot_epoch_4')
    assert expected.keys() == got.keys()
    assert any('gen' in key for key in expected) and any('kept' in key for key in expected)
    for key in expected:
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)
    assert _records(whole) == _records(killed)
    metrics = json.loads((whole / 'metrics.json').read_text())
    assert set(metrics['d_accuracy']) == {'1', '2', '3', '4'}
    assert sum(metrics['class_counts']) == 100
    assert {p.name for p in whole.glob('*.png')} == {'loss.png', 'd_accuracy.png', 'score.png', 'frechet.png',
                                                     'samples.png', 'classes.png'}


def test_a_classifier_of_another_shape_is_refused_in_one_line(tmp_path, data_dir, run):
    path = tmp_path / 'small.npz'
    save(path, KerasMnistCNN(n_classes=5))
    result = run('experiments.gan_mnist', *_command(tmp_path / 'out', path, data_dir)[3:])
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert 'fc2/W has shape (5, 128), expected (10, 128)' in result.stderr
    assert not (tmp_path / 'out').exists()
