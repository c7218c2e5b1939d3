"""A character-level language model on real English (udacity-dl-overview: RNN, LSTM),
trained as Chainer's examples/ptb trains its word model.

The text is gensim's Lee news corpus (``lee_background.cor``, 300 articles,
found inside the installed gensim wheel without importing it), or any UTF-8
file given with ``--text``.  The last ``--held-out`` of it is kept for testing.
An ``L.LSTM`` and a plain tanh RNN of the same size (embedding, one recurrent
layer, linear output) read ``--batchsize`` streams of the text side by side,
with truncated back-propagation through time every ``--bproplen`` characters
and the gradient norm clipped at ``--grad-clip``.  Reported: held-out bits per
character of both, beside the unigram and bigram models counted on the same
split, and samples from the LSTM at two temperatures::

    netlib run char_lm
    netlib run char_lm --text my_book.txt --iteration 3000 --unit 256
"""

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import argparse
from pathlib import Path

import chainer
import chainer.functions as F
import numpy as np

from netlib import cli, optimizers, plots
from netlib.cli import flags
from netlib.cli.memory import refuse_unless_fits
from netlib.cli.wording import counted
from netlib.datasets import text_stream
from netlib.datasets.text import char_vocabulary, load_text, split
from netlib.errors import DataError
from netlib.evaluation import language
from netlib.links.recurrent import CELLS, CharLM, RecurrentState
from netlib import steps
from netlib.training.runs import Run
from netlib.training.seed import set_seed

DEFAULTS = dict(
    iteration=1500,       # updates of each net, each on --bproplen characters of every stream
    batchsize=64,         # parallel streams through the training text
    unit=128,             # embedding and hidden units of both nets
    optimizer='adam',
    grad_clip=5.0,        # as examples/ptb
    frequency=250,        # snapshot every this many iterations
    out='runs/char_lm',
)
NAMES = {'rnn': 'tanh RNN', 'lstm': 'LSTM'}
TEMPERATURES = (0.5, 1.0)
PRIME = 'The '
EVAL_BATCH = 32  # held-out streams; fewer streams, fewer cold starts from a zero state


def add_flags(group):
    group.add_argument('--text', metavar='FILE',
                       help="a UTF-8 text file to train on (default: gensim's Lee corpus)")
    group.add_argument('--bproplen', type=flags.positive_int, default=35,
                       help='characters back-propagated through at each update (as '
                            'examples/ptb)')
    group.add_argument('--held-out', type=fraction, default=0.1,
                       help='the share of the text, at its end, kept for testing')
    group.add_argument('--sample-length', type=flags.positive_int, default=300,
                       help='characters sampled at each temperature')


def fraction(text):
    value = flags.positive_float(text)
    if value >= 1:
        raise argparse.ArgumentTypeError(f'must be between 0 and 1, got {text!r}')
    return value


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    text, where = load_text(args.text)  # refused in one line before the run folder exists
    chars, ids = char_vocabulary(text)
    train, test = split(ids, args.held_out)
    check_lengths(len(train), len(test), args)
    run = Run(args)

    # 0: load data
    print(f'{where}: {len(text):,} characters, {len(chars)} distinct; {len(train):,} to '
          f'train on, {len(test):,} held out')
    train_ids = run.device.send(train)
    starts = run.device.xp.asarray(text_stream.stream_starts(len(train), args.batchsize))

    # 1: settings: each net from the same seed, the same optimizer
    models, trainers = {}, {}
    for kind in CELLS:
        set_seed(args.seed)
        models[kind] = CharLM(len(chars), args.unit, kind).to_device(run.device)
        models[kind].start_state(args.batchsize)  # before --resume loads the saved state
        trainers[kind] = optimizers.setup(
            optimizers.create(args.optimizer, args.lr, args.optimizer_arg),
            models[kind], args.weight_decay, args.grad_clip)
    epochs = args.iteration * args.bproplen * args.batchsize / len(train)
    print(f'{args.unit}-unit LSTM and tanh RNN, {counted(args.iteration, "update")} of '
          f'{args.batchsize} streams x {args.bproplen} characters ({epochs:.1f} epochs)')

    # 2: training: truncated BPTT, as examples/ptb's BPTTUpdater
    manager = run.manager(trainers, (args.iteration, 'iteration'),
                          log_every=(max(1, args.iteration // 10), 'iteration'),
                          columns=[f'{kind}/loss' for kind in CELLS],
                          plot=plots.LogPlot(f'Character model of {Path(where).name}', NAMES,
                                             'bits per character'),
                          extra_extensions=[RecurrentState({kind: model.cell for kind, model
                                                            in models.items()})])
    for iteration in manager:
        xs, ts = text_stream.stream_window(train_ids, starts, (iteration - 1) * args.bproplen,
                                        args.bproplen)
        for kind, model in models.items():  # the mean loss over the window's characters
            loss = F.softmax_cross_entropy(model.window(xs), ts.reshape(-1))
            steps.update(trainers[kind], loss)
            loss.unchain_backward()  # the state carries on; the graph behind it goes
            chainer.report({'loss': loss.array / language.LN2}, model)

    # 3: results
    metrics = {'characters': len(text), 'vocabulary': len(chars), 'epochs': epochs,
               'unigram_bpc': language.ngram_bits(train, test, len(chars), 1),
               'bigram_bpc': language.ngram_bits(train, test, len(chars), 2)}
    for kind, model in models.items():
        metrics[f'{kind}_bpc'] = language.bits_per_character(model.copy(), test, EVAL_BATCH)
    metrics['lstm_minus_rnn_bpc'] = metrics['lstm_bpc'] - metrics['rnn_bpc']
    metrics['lstm_minus_bigram_bpc'] = metrics['lstm_bpc'] - metrics['bigram_bpc']
    plot_held_out(run.path('held_out_bpc.png'), metrics, len(test), Path(where).name)
    metrics['samples'] = lstm_samples(models['lstm'], chars, text[0], args)
    return run.save_metrics(metrics)


def check_lengths(train, test, args):
    """Refuse, before the run folder, a text too short for the streams that read it."""
    if train < args.batchsize * args.bproplen:
        raise DataError(f'the training text has {train:,} characters, fewer than --batchsize '
                        f'{args.batchsize} streams x --bproplen {args.bproplen} = '
                        f'{args.batchsize * args.bproplen:,}: give a longer --text or '
                        f'smaller sizes')
    if test <= EVAL_BATCH:
        raise DataError(f'the held-out text (--held-out {args.held_out:g}) has {test:,} '
                        f'characters, too few for its {EVAL_BATCH} streams (at least '
                        f'{EVAL_BATCH + 1}): give a longer --text or a larger --held-out')
    # a sample's characters, one Python reference each, and its text
    refuse_unless_fits(16 * args.sample_length, f'--sample-length {args.sample_length}')


def plot_held_out(path, metrics, characters, source):
    """Each model's held-out bits per character, printed and drawn as bars."""
    held_out = {name: metrics[key] for name, key in (
        ('unigram counts', 'unigram_bpc'), ('bigram counts', 'bigram_bpc'),
        *((NAMES[kind], f'{kind}_bpc') for kind in CELLS))}
    print(f'held-out bits per character ({characters:,} characters):')
    for name, bits in held_out.items():
        print(f'  {name:>14s} {bits:.3f}')
    plots.bar_chart(path, held_out, f'Held-out {source} ({characters:,} characters)',
                    'bits per character (lower is better)', 'model')


def lstm_samples(model, chars, first_character, args):
    """{'LSTM sample, temperature T': text} at each of TEMPERATURES, printed."""
    random = np.random.RandomState(args.seed)
    prime = PRIME if set(PRIME) <= set(chars) else first_character  # --text may lack 'T'
    samples = {}
    for temperature in TEMPERATURES:
        sample = language.sample(model.copy(), chars, prime, args.sample_length,
                                 temperature, random)
        samples[f'LSTM sample, temperature {temperature:g}'] = sample
        print(f'\nLSTM sample, temperature {temperature:g}:\n{sample}')
    return samples


if __name__ == '__main__':
    cli.run_main(main)
