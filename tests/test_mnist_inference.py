import contextlib
import io
import json
import urllib.error
import urllib.request

import numpy as np
import pytest

from experiments import mnist_inference
from netlib.datasets.mnist import load_mnist
from netlib.device import get_device
from netlib.errors import DataError
from netlib.evaluation import predict
from netlib.serializers.weights import book_weights_path, load_weights


@pytest.fixture(scope='module')
def full_run(data_dir, tmp_path_factory):
    """The default run on all 10,000 test images: (run folder, printed text, metrics)."""
    out = tmp_path_factory.mktemp('mnist_inference') / 'run'
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        metrics = mnist_inference.main(['--data-dir', str(data_dir), '--out', str(out)])
    return out, printed.getvalue(), metrics


@pytest.fixture(scope='module')
def model(data_dir):
    return mnist_inference.load_model(data_dir, get_device('-1'))


def test_prints_the_posts_accuracy_for_both_paths(full_run):
    _, printed, metrics = full_run
    assert printed.splitlines().count('Accuracy:0.9352') == 2
    assert metrics['accuracy'] == metrics['per_image_accuracy'] == 0.9352
    assert metrics['disagreements'] == 0


def test_confusion_matrix(full_run):
    _, _, metrics = full_run
    confusion = np.array(metrics['confusion'])
    assert confusion.shape == (10, 10)
    assert confusion.sum() == 10000 and np.trace(confusion) == 9352
    assert confusion[0].tolist() == [962, 0, 3, 2, 1, 3, 5, 1, 3, 0]  # true 0s


def test_run_folder(full_run):
    out, _, _ = full_run
    assert sorted(p.name for p in out.iterdir()) == ['args', 'log', 'metrics.json',
                                                     'misclassified.png']
    log = json.loads((out / 'log').read_text())  # one record, so ChainerUI lists the run
    assert log == [{'epoch': 0, 'iteration': 0, 'accuracy': 0.9352,
                    'per_image_accuracy': 0.9352, 'disagreements': 0}]


def test_per_image_loop_agrees_with_ragged_batches(data_dir, model):
    x, _ = load_mnist(data_dir, 'test', limit=500)
    per_image = mnist_inference.predict_per_image(model, x)
    batched = predict(model, x, batchsize=7)
    assert len(batched) == 500
    np.testing.assert_array_equal(per_image, batched)


def test_book_weights_are_transposed(data_dir, model):
    weights = load_weights(book_weights_path(data_dir))
    assert model.l1.W.shape == (50, 784)
    np.testing.assert_array_equal(model.l1.W.array, weights['W1'].T)
    np.testing.assert_array_equal(model.l3.b.array, weights['b3'])


def test_weights_of_another_shape_are_refused():
    weights = {'W1': np.zeros((784, 100), 'f'), 'b1': np.zeros(100, 'f')}
    with pytest.raises(DataError, match=r'expected W1, b1 of shapes \(784, 50\), \(50,\)'):
        mnist_inference.BookNet().load_book_weights(weights, 'weights.npz')


def test_test_size_runs_a_subset(data_dir, tmp_path):
    metrics = mnist_inference.main(['--data-dir', str(data_dir), '--test-size', '100',
                                    '--batchsize', '30', '--out', str(tmp_path / 'run')])
    assert np.array(metrics['confusion']).sum() == 100
    assert metrics['accuracy'] == metrics['per_image_accuracy']


def test_bad_test_size_is_one_line_and_exit_2(run, tmp_path):
    result = run('experiments.mnist_inference', '--test-size', '0', '--out', tmp_path / 'run')
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert '--test-size: must be a positive integer' in result.stderr
    assert not (tmp_path / 'run').exists()


def test_missing_data_leaves_no_run_folder(tmp_path, monkeypatch):
    def offline(url, timeout):
        raise urllib.error.URLError('no network')
    monkeypatch.setattr(urllib.request, 'urlopen', offline)
    (tmp_path / 'empty').mkdir()
    with pytest.raises(DataError, match='missing in'):
        mnist_inference.main(['--data-dir', str(tmp_path / 'empty'),
                              '--out', str(tmp_path / 'run')])
    assert not (tmp_path / 'run').exists()
