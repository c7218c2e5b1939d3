"""Skip-gram with negative sampling (Chainer's examples/word2vec) against gensim's Word2Vec.

Both learn word vectors from the same sentences (gensim's Lee corpus by
default, or ``--text FILE``) with the same vector size, window, negatives,
minimum count, epochs and learning-rate schedule (SGD from ``--lr`` down to
0.0001, gensim's), several seeds each; gensim without subsampling and with
whole windows, as Chainer's example trains.  The same code scores both on
gensim's WordSim-353 and SimLex-999 (Spearman correlation with the human
scores) and analogies (3CosAdd accuracy), each restricted to the vocabulary,
and counts how many of each word's 10 nearest neighbours they share::

    netlib run word2vec
    netlib run word2vec --text my_corpus.txt --epoch 5 --repeats 2"""

import time

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import numpy as np
from chainer.training import extensions

from netlib import cli, optimizers, plots
from netlib.cli import flags
from netlib.cli.memory import refuse_unless_fits
from netlib.cli.wording import counted
from netlib.datasets import wordsim
from netlib.datasets.text import load_sentences
from netlib.datasets.word_windows import vocabulary, windows
from netlib.device import to_numpy
from netlib.errors import UsageError
from netlib.evaluation.word_vectors import neighbour_overlap, neighbours, score_vectors
from netlib.links.word2vec import SkipGram
from netlib.training.extensions.random_streams import RandomStreams
from netlib import steps
from netlib.training.runs import Run
from netlib.training.seed import set_seed
from experiments.registry.sequences import WORD2VEC_MARGINS

DEFAULTS = dict(
    epoch=10,             # sweeps over the corpus, both libraries
    batchsize=100,        # centre words per update, each with 2 * window contexts
    unit=100,             # vector size (gensim's default)
    optimizer='sgd',      # gensim's: plain SGD on every pair
    lr=0.025,             # gensim's alpha, falling linearly to MIN_LR over the run
    out='runs/word2vec',
)
MIN_LR = 0.0001  # gensim's min_alpha
# The flags the memory a run needs grows with (a smaller --min-count keeps more words).
SIZE_FLAGS = ('window', 'negative', 'unit', 'batchsize', 'repeats', 'min_count')
SHOWN = ('fire', 'police', 'government', 'afghanistan', 'australia')


def add_flags(group):
    group.add_argument('--text', default=None,
                       help="UTF-8 text, one sentence or document a line (default: gensim's "
                            'lee_background.cor, 300 news articles)')
    group.add_argument('--window', type=flags.positive_int, default=5,
                       help='context words on each side of the centre word')
    group.add_argument('--negative', type=flags.positive_int, default=5,
                       help='negative words drawn per pair')
    group.add_argument('--min-count', type=flags.positive_int, default=5,
                       help='words seen fewer times are dropped')
    group.add_argument('--repeats', type=flags.positive_int, default=3,
                       help='seeds of each library: --seed, --seed + 1, ...')


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    seeds = flags.consecutive_seeds(args.seed, args.repeats, '--repeats')
    # 0: load data: the sentences, the vocabulary, the evaluation sets
    sentences = load_sentences(args.text)
    words, counts = vocabulary(sentences, args.min_count)
    if len(words) < 11:  # 10 nearest neighbours
        raise UsageError(f'--min-count {args.min_count} leaves {len(words)} words of 11 needed')
    index = {word: i for i, word in enumerate(words)}
    similarity, analogies = wordsim.evaluation_sets()
    questions = [question for section in analogies.values() for question in section]
    refuse_unless_fits(bytes_needed(sentences, index, questions, args), ' '.join(
        f'--{name.replace("_", "-")} {getattr(args, name)}' for name in SIZE_FLAGS))
    centres, contexts = windows(sentences, index, args.window)
    import gensim  # found by evaluation_sets: imported after its one-line check
    run = Run(args)

    # 1: settings: one SkipGram per seed, each with its own random stream
    models, trainers, streams = {}, {}, RandomStreams()
    per_epoch = -(-len(centres) // args.batchsize)  # batches an epoch, the last one short
    for seed in seeds:
        set_seed(seed)
        name = f'netlib_{seed}'
        models[name] = SkipGram(counts, args.unit, args.negative)
        trainers[name] = optimizers.from_args(args, models[name])
        streams.add(name)
    lr_name = optimizers.learning_rate_name(type(trainers[name]).__name__)
    schedules = [extensions.LinearShift(lr_name, (getattr(trainer, lr_name), MIN_LR),
                                        (0, args.epoch * per_epoch), optimizer=trainer)
                 for trainer in trainers.values()] if lr_name else []
    # gensim trains by SGD whatever --optimizer: from netlib's starting rate, else its own
    alpha = getattr(trainers[name], lr_name) if lr_name else DEFAULTS['lr']
    print(f'{len(sentences)} sentences, {len(centres):,} words kept, {len(words):,} in the '
          f'vocabulary (min count {args.min_count}); {args.unit}-d vectors, window '
          f'{args.window}, {counted(args.negative, "negative")}, {counted(args.epoch, "epoch")}, '
          f'seeds {seeds}')

    # 2: training: netlib's models side by side, then gensim's
    start = time.perf_counter()
    manager = run.manager(trainers, (args.epoch, 'epoch'), iterations_per_epoch=per_epoch,
                          columns=[f'{name}/loss' for name in models],
                          plot=plots.LogPlot('Skip-gram with negative sampling (netlib)',
                                             loss='loss per (context, centre) pair'),
                          extra_extensions=[streams, *schedules])
    orders = {}
    for iteration in manager:
        step = (iteration - 1) % per_epoch  # snapshots fall between epochs
        for name, model in models.items():
            with streams.use(name):  # its order of the corpus and its negative draws
                if step == 0:
                    orders[name] = np.random.permutation(len(centres))
                batch = orders[name][step * args.batchsize:(step + 1) * args.batchsize]
                steps.update(trainers[name], model(centres[batch], contexts[batch]))
    netlib_seconds = time.perf_counter() - start  # of this process (a resumed run: since then)
    vectors = {name: to_numpy(model.embed.W) for name, model in models.items()}
    start = time.perf_counter()
    vectors.update(gensim_vectors(gensim, sentences, words, args, seeds, alpha))
    gensim_seconds = time.perf_counter() - start

    # 3: results: the same scores for both, their means over seeds
    scores, metrics = score_metrics(vectors, index, similarity, questions, seeds)
    overlaps = neighbour_overlaps(vectors, seeds)
    metrics.update({'overlap_' + pair.replace('-', '_'): v for pair, v in overlaps.items()},
                   overlap_ratio=(overlaps['netlib-gensim'] / overlaps['gensim-gensim']
                                  if overlaps['gensim-gensim'] else None),
                   netlib_seconds=netlib_seconds, gensim_seconds=gensim_seconds)
    print_scores(metrics, overlaps, seeds)
    metrics['nearest_words'] = nearest_words(vectors, words, index, seeds[0])
    plot_scores(run.path('scores.png'), scores, seeds)
    return run.save_metrics(metrics)


def bytes_needed(sentences, index, questions, args):
    """The bytes this request holds at its peak: the windows and every seed's models through
    training and scoring, with the larger of one batch's arrays and the scores' matrices."""
    kept = sum(word in index for sentence in sentences for word in sentence)
    vocabulary, contexts = len(index), 2 * args.window
    asked = sum(all(word in index for word in question) for question in questions)
    windows_bytes = 8 * kept * contexts  # int32, made once and copied once
    # Each seed's two embeddings with their gradients and an optimizer's two states
    # (float32), its order of the corpus (int64), both libraries' vectors kept to score.
    models = args.repeats * (40 * vocabulary * args.unit + 8 * kept)
    # A batch: its context vectors through the net and back (float32, four arrays), its word
    # and negatives per context (int64) with their output vectors and gradients (float32).
    drawn = args.batchsize * contexts * (args.negative + 1)
    batch = 16 * args.batchsize * contexts * args.unit + 8 * drawn * (args.unit + 1)
    # Cosine similarities in float64: every word against every word (then negated and
    # sorted) for the nearest neighbours, each analogy asked against every word.
    scores = 8 * vocabulary * (3 * vocabulary + asked)
    return windows_bytes + models + max(batch, scores)


def gensim_vectors(gensim, sentences, words, args, seeds, alpha):
    """{'gensim_SEED': vectors in *words*' order}: gensim's skip-gram with negative sampling,
    no subsampling, whole windows, the same settings as netlib's, starting at rate *alpha*."""
    vectors = {}
    for seed in seeds:
        model = gensim.models.Word2Vec(
            sentences, vector_size=args.unit, window=args.window, negative=args.negative,
            min_count=args.min_count, epochs=args.epoch, alpha=alpha, min_alpha=MIN_LR,
            sg=1, hs=0, sample=0, shrink_windows=False, seed=seed, workers=1)
        vectors[f'gensim_{seed}'] = np.array([model.wv[word] for word in words])
    return vectors


def score_metrics(vectors, index, similarity, questions, seeds):
    """``(scores per model, metrics)``: the items each set covers (printed) and each
    library's scores per seed and their mean."""
    scored = {name: score_vectors(v, index, similarity, questions)
              for name, v in vectors.items()}
    scores = {n: s for n, (s, _) in scored.items()}
    covered = scored[f'netlib_{seeds[-1]}'][1]  # the same for all: one vocabulary
    metrics = {f'{key}_pairs': covered[key] for key in similarity} | {
        'analogy_questions': covered['analogy']}
    print(f'covered: {covered["wordsim353"]} of {len(similarity["wordsim353"])} WordSim-353 '
          f'pairs, {covered["simlex999"]} of {len(similarity["simlex999"])} SimLex-999 pairs, '
          f'{covered["analogy"]} of {len(questions)} analogies')
    for library in ('netlib', 'gensim'):
        for key in ('wordsim353', 'simlex999', 'analogy'):
            values = [scores[f'{library}_{seed}'][key] for seed in seeds]
            metrics[f'{library}_{key}'] = mean(values)
            metrics[f'{library}_{key}_per_seed'] = values
    return scores, metrics


def neighbour_overlaps(vectors, seeds):
    """{'netlib-gensim': mean neighbour overlap over pairs of seeds, 'gensim-gensim': ...,
    'netlib-netlib': ...}; a library against itself pairs distinct seeds only."""
    return {f'{a}-{b}': mean([neighbour_overlap(vectors[f'{a}_{i}'], vectors[f'{b}_{j}'])
                              for i in seeds for j in seeds if a != b or i < j])
            for a, b in (('netlib', 'gensim'), ('gensim', 'gensim'), ('netlib', 'netlib'))}


def print_scores(metrics, overlaps, seeds):
    print(f'{"":12s}{"netlib":>10s}{"gensim":>10s}   (mean over {counted(len(seeds), "seed")})')
    for key in ('wordsim353', 'simlex999', 'analogy'):
        print(f'{key:12s}' + ''.join(f'{show(metrics[f"{library}_{key}"]):>10s}'
                                     for library in ('netlib', 'gensim')))
    print('10 nearest neighbours shared: ' + ', '.join(f'{pair} {show(value)}' for pair, value
                                                         in overlaps.items()) +
          f'; training {metrics["netlib_seconds"]:.1f} s (netlib), '
          f'{metrics["gensim_seconds"]:.1f} s (gensim)')

def mean(values):
    values = [value for value in values if value is not None]  # None: too few pairs
    return float(np.mean(values)) if values else None


def show(value):
    return '-' if value is None else f'{value:.3f}'  # None: too few pairs, or one seed


def nearest_words(vectors, words, index, seed, k=5):
    """{'netlib, seed S': ['fire: blaze ...', ...], 'gensim, seed S': [...]}, printed."""
    shown = [word for word in SHOWN if word in index] or words[:3]
    lists = {}
    for library in ('netlib', 'gensim'):
        nearest = neighbours(vectors[f'{library}_{seed}'], k)
        lists[f'{library}, seed {seed}'] = lines = [
            f'{word:>12s}: ' + ' '.join(words[i] for i in nearest[index[word]]) for word in shown]
        print(f'nearest {k} ({library}, seed {seed}):', *lines, sep='\n  ')
    return lists


def plot_scores(path, scores, seeds):
    """Each seed's score a point beside its library's mean, over the band a claim allows
    around gensim's mean: a difference inside the margin reads as one."""
    titles = {'wordsim353': 'WordSim-353 (Spearman)', 'simlex999': 'SimLex-999 (Spearman)',
              'analogy': 'analogies (accuracy)'}
    panels, bands = {}, {}
    for key, title in titles.items():
        panels[title] = {library: [scores[f'{library}_{seed}'][key] or 0 for seed in seeds]
                         for library in ('netlib', 'gensim')}
        centre = sum(panels[title]['gensim']) / len(seeds)
        bands[title] = (centre - WORD2VEC_MARGINS[key], centre + WORD2VEC_MARGINS[key],
                        "within the claim's margin of gensim's mean")
    plots.plot_strips(path, panels, title='Word vectors scored the same way, per seed',
                      ylabel='score', bands=bands)


if __name__ == '__main__':
    cli.run_main(main)
