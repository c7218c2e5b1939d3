"""Measuring trained models: classifiers, language models, generated samples."""

from netlib.evaluation.classifier import (  # noqa: F401
    WholeSetEvaluator, confusion_matrix, evaluate, predict, print_confusion)
