"""An LSTM encoder-decoder learns to add three-digit numbers, as Keras's addition_rnn.

Keras's example (keras-io examples/nlp/addition_rnn.py): 50,000 distinct
questions such as ``123+45``, reversed and padded to 7 characters, one
128-unit LSTM each for encoder and decoder, a tenth held out.  Here the
encoder and decoder are ``L.LSTM`` with ``L.EmbedID`` inputs and a softmax
output; the decoder is fed the true previous character in training and its
own previous output on the held-out questions, where an answer counts only
when all four characters are right (exact match)::

    netlib run seq2seq_addition
    netlib run seq2seq_addition --epoch 5 --questions 10000 --no-reverse
"""

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import argparse

import numpy as np
from chainer.datasets import TupleDataset
from chainer.training import extensions

from netlib import cli, optimizers, plots
from netlib.cli import flags
from netlib.cli.memory import refuse_unless_fits, weights_bytes
from netlib.cli.wording import counted
from netlib.datasets import addition
from netlib.device import to_numpy
from netlib.training.runs import Run
from netlib.links.seq2seq import Seq2seq

DEFAULTS = dict(
    epoch=20,             # Keras's example: 100
    batchsize=128,        # Keras's: 32
    unit=128,             # LSTM units, as Keras's
    optimizer='amsgrad',  # Adam that never enlarges a step as gradients shrink (Keras: Adam)
    lr=0.003,             # 3x Adam's default, Keras's; times DECAY after every epoch
    out='runs/seq2seq_addition',
)
# Without decay held-out accuracy jumped 0.997 -> 0.979 -> 0.997 over the last epochs;
# 0.85 per epoch slowed learning so much that it stopped at 0.988.  With 0.92 plain Adam
# still fell from 0.996 to 0.990 in the last epoch (seed 1); AMSGrad did not (0.993).
DECAY = 0.92
HELD_OUT = 10  # one question in this many is held out
KERAS_EPOCHS = 100  # "99% train/test accuracy in 100 epochs" (three digits, reversed)
TARGET = 0.99


def add_flags(group):
    group.add_argument('--questions', type=question_count, default=50000,
                       help='distinct questions; a tenth is held out (Keras: 50,000)')
    group.add_argument('--digits', type=flags.bounded_int(addition.MAX_DIGITS), default=3,
                       help='largest number of digits of each number')
    group.add_argument('--reverse', action=argparse.BooleanOptionalAction, default=True,
                       help='feed the question reversed, as Keras does')
    group.add_argument('--embed', type=flags.positive_int, default=32,
                       help='size of the character embeddings')


def seq2seq_bytes(chars, unit, embed):
    """The weights of Seq2seq: two embeddings, two LSTMs (input and recurrent matrices of
    four gates), the output layer."""
    lstm = (embed + unit, 4 * unit)
    return weights_bytes([(chars, embed), (chars + 1, embed), lstm, lstm, (unit, chars)])


def question_count(text):
    """At least HELD_OUT questions, so that one is held out."""
    value = flags.positive_int(text)
    if value < HELD_OUT:
        raise argparse.ArgumentTypeError(f'must be at least {HELD_OUT}, so that a tenth is held '
                                         f'out for testing; got {text!r}')
    return value


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    refuse_unless_fits(seq2seq_bytes(len(addition.CHARS), args.unit, args.embed),
                       f'--embed {args.embed} with --unit {args.unit}')
    # 0: load data: Keras's questions, its last tenth held out
    pairs = addition.make_questions(args.questions, args.digits, args.seed)
    x, t = addition.addition_arrays(pairs, args.digits, args.reverse)
    split = len(pairs) - len(pairs) // HELD_OUT
    train, test = TupleDataset(x[:split], t[:split]), TupleDataset(x[split:], t[split:])
    run = Run(args)
    run.check_batchsize(len(train))

    # 1: settings
    model = Seq2seq(len(addition.CHARS), args.unit, args.embed)
    model.to_device(run.device)
    optimizer = optimizers.from_args(args, model)
    print(f'{args.digits}-digit addition, {"reversed" if args.reverse else "plain"} input: '
          f'{len(train)} training and {len(test)} held-out questions; encoder and decoder '
          f'LSTM of {args.unit}, {type(optimizer).__name__}, batch {args.batchsize}, '
          f'{counted(args.epoch, "epoch")} -> {run.out}')

    # 2: training; validation accuracy is the decoder's own answers, exact match
    decay = [extensions.ExponentialShift(rate, DECAY) for rate in
             [optimizers.learning_rate_name(type(optimizer).__name__)] if rate]
    for shift in decay:
        shift.trigger = 1, 'epoch'  # an extension's own default is every iteration
    plot = plots.LogPlot(f'Addition seq2seq (LSTM {args.unit}), exact match', labels={
        'main/accuracy': 'training (true previous character fed)',
        'validation/main/accuracy': 'held out (own previous output fed)'})
    log = run.fit(model, optimizer, train, test, plot=plot, extra_extensions=decay)

    # 3: results
    answers = to_numpy(model.translate(run.device.send(x[split:]), t.shape[1]))
    right = (answers == t[split:]).all(axis=1)
    reached = [record['epoch'] for record in log
               if record['validation/main/accuracy'] >= TARGET]
    examples = {}
    for name, rows in (('right', np.flatnonzero(right)), ('wrong', np.flatnonzero(~right))):
        examples[f'{name} answers'] = [answered(x[split + row], answers[row], t[split + row],
                                                args.reverse) for row in rows[:5]]
        print(f'{name} answers:', *examples[f'{name} answers'] or ['none'], sep='\n  ')
    last = log[-1]
    metrics = {'test_accuracy': float(right.mean()),  # exact match of the greedy answers
               'test_accuracy_per_char': last['validation/main/accuracy_per_char'],
               'train_loss': last['main/loss'], 'test_loss': last['validation/main/loss'],
               'epochs_to_99': reached[0] if reached else None,
               'keras_epochs_to_99': KERAS_EPOCHS,
               'seconds_per_epoch': last['elapsed_time'] / last['epoch'],
               'examples': examples}
    print(f'held-out exact match {metrics["test_accuracy"]:.4f} (per character '
          f'{metrics["test_accuracy_per_char"]:.4f}); first epoch at >= {TARGET}: '
          f'{metrics["epochs_to_99"]} (Keras: {KERAS_EPOCHS})')
    return run.save_metrics(metrics)


def answered(question, answer, truth, reverse):
    """'  123+45 = 168   (true 168)' from the encoded question and answers."""
    question = addition.decode(question)
    question = question[::-1] if reverse else question
    return (f'{question.strip():>9} = {addition.decode(answer).strip():<5} '
            f'(true {addition.decode(truth).strip()})')


if __name__ == '__main__':
    cli.run_main(main)
