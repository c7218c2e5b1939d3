"""Test-set numbers over the whole set, as a classifier's accuracy is counted."""

import collections

import chainer
from chainer import function, reporter
from chainer.dataset import convert
from chainer.training import extensions


class WholeSetEvaluator(extensions.Evaluator):
    """Chainer's ``Evaluator`` with whole-set numbers: each batch weighted by its size,
    and accuracy as correct / N (the count Keras prints).

    Chainer's own averages the batch means unweighted, so with 10,000 test
    images in batches of 128 the last batch's 16 images count as much as a
    full batch, and its accuracy is no count of correct images over 10,000.
    """

    def evaluate(self):
        totals, examples = self.evaluate_totals()
        return {key: total / examples for key, total in totals.items()}

    def evaluate_totals(self):
        """Each reported value summed over the examples, and their number."""
        iterator, model = self.get_iterator('main'), self.eval_func or self.get_target('main')
        iterator.reset()
        totals, examples = collections.Counter(), 0
        for batch in iterator:
            arrays = convert._call_converter(self.converter, batch, self.device)
            size = len(arrays[0])  # a batch may come as one tuple of arrays
            observation = {}
            with reporter.report_scope(observation), function.no_backprop_mode():
                model(*arrays)
            for key, value in observation.items():
                value = float(chainer.as_array(value)) * size
                # A batch's accuracy times its size is its count of correct answers.
                totals[key] += round(value) if key.endswith('accuracy') else value
            examples += size
        return totals, examples
