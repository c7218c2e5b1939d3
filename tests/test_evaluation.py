"""Whole-set evaluation: accuracy as correct / N, loss weighted by batch size."""

import numpy as np
import pytest
from chainer.datasets import TupleDataset

from netlib.evaluation import evaluate
from netlib.iterators import batch_iterator, converter_for
from netlib.links.mlp import MLP, Classifier
from netlib.training.extensions import WholeSetEvaluator
from netlib.training.seed import set_seed


@pytest.fixture
def classifier_and_data():
    set_seed(0)
    x = np.random.rand(300, 6).astype(np.float32)
    t = np.random.randint(0, 3, 300).astype(np.int32)
    return Classifier(MLP((6, 8, 3))), x, t


def test_accuracy_is_a_count_over_the_whole_set(classifier_and_data):
    model, x, t = classifier_and_data
    correct = int((model.predictor(x).array.argmax(axis=1) == t).sum())
    assert evaluate(model, x, t, batchsize=128)['accuracy'] == correct / 300


@pytest.mark.parametrize('batchsize', [128, 7, 300])  # 300 = 2 x 128 + 44: the last is short
def test_trainer_evaluator_gives_the_same_numbers(classifier_and_data, batchsize):
    model, x, t = classifier_and_data
    iterator = batch_iterator(TupleDataset(x, t), batchsize, repeat=False, shuffle=False)
    result = WholeSetEvaluator(iterator, model, converter=converter_for(iterator))()
    expected = evaluate(model, x, t, batchsize=1000)
    assert result['main/accuracy'] == expected['accuracy']
    assert result['main/loss'] == pytest.approx(expected['loss'], rel=1e-6)
