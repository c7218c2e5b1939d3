import argparse
import json
from pathlib import Path

import chainer
import numpy as np
import pytest

from netlib import files, plots
from netlib.cli import flags
from netlib.training import runs
from netlib.errors import DataError, UsageError
from netlib.links.mlp import MLP, Classifier, Regressor


def test_unit_list():
    assert flags.unit_list('784,100,10') == (784, 100, 10)
    for bad in ('', '3', '3,0,1', 'a,b', '3,100000000000,1'):
        with pytest.raises(argparse.ArgumentTypeError):
            flags.unit_list(bad)


def test_mlp_shapes_and_activation():
    model = MLP((4, 5, 3), activation='tanh')
    assert [layer.W.shape for layer in model] == [(5, 4), (3, 5)]
    y = model(np.ones((2, 4), 'f'))
    assert y.shape == (2, 3)
    with pytest.raises(UsageError):
        MLP((4, 3), activation='nope')


def test_regressor_reports_mse_and_classifier_accuracy():
    np.random.seed(0)
    x = np.random.rand(8, 4).astype('f')
    regressor = Regressor(MLP((4, 3, 1)))
    t = np.zeros((8, 1), 'f')
    reporter = chainer.Reporter()
    reporter.add_observer('main', regressor)
    observation = {}
    with reporter.scope(observation):
        loss = regressor(x, t)
    y = regressor.predictor(x).array
    assert float(loss.array) == pytest.approx(float(np.mean(y ** 2)), rel=1e-6)
    assert set(observation) == {'main/loss'}
    classifier = Classifier(MLP((4, 3, 2)))
    labels = np.zeros(8, 'i')
    classifier(x, labels)
    expected = float(np.mean(classifier.predictor(x).array.argmax(1) == 0))
    assert float(classifier.accuracy.array) == pytest.approx(expected)


def test_claim_picks_a_numbered_sibling(tmp_path):
    first = runs.claim(tmp_path / 'r')
    assert first == tmp_path / 'r'
    assert runs.claim(tmp_path / 'r') == tmp_path / 'r-2'  # r holds the first run's args
    assert runs.claim(tmp_path / 'r') == tmp_path / 'r-3'
    assert runs.claim(tmp_path / 'r', continuing=True) == tmp_path / 'r'


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / 'metrics.json'
    files.write_json(path, {'loss': 1.0})

    def broken(handle):
        handle.write('{"loss": ')
        raise RuntimeError('killed mid-write')

    with pytest.raises(RuntimeError):
        files.atomic_write(path, broken)
    assert json.loads(path.read_text()) == {'loss': 1.0}
    assert [p.name for p in tmp_path.iterdir()] == ['metrics.json']


def test_log_scale_only_when_values_span_decades():
    assert plots.wants_log_scale([10.0, 1.0, 1e-3, 0.0])
    assert not plots.wants_log_scale([2.3, 1.1, 0.5])


def test_plot_log_writes_a_png(tmp_path):
    log = [{'epoch': e, 'main/loss': 1.0 / e} for e in range(1, 5)]
    plots.plot_log(tmp_path / 'loss.png', log, ['main/loss'], title='t', ylabel='loss')
    assert (tmp_path / 'loss.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_claim_numbers_a_sibling_of_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / 'here').mkdir()
    (tmp_path / 'here' / 'earlier').write_text('1')
    monkeypatch.chdir(tmp_path / 'here')
    assert runs.claim(Path('.')) == tmp_path / 'here-2'


def test_read_json_refuses_a_truncated_file(tmp_path):
    (tmp_path / 'log').write_text('[{"epoch": 1')
    with pytest.raises(DataError, match='not valid JSON'):
        files.read_json(tmp_path / 'log')
