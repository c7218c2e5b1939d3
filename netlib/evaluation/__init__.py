"""Measuring trained models: classifiers, language models, generated samples, word vectors,
gradients, a run's last logged numbers; one module each, the classifier's measures here."""

from netlib.evaluation.classifier import (  # noqa: F401
    confusion_matrix, evaluate, predict, print_confusion)
