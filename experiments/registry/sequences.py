"""The course's sequence models (the Udacity post's RNN, LSTM, seq2seq and word2vec), each
claim measured against a published anchor or a peer library in the same run."""

from experiments.posts import IRNN_PAPER, KERAS_ADDITION_RNN, UDACITY, chainer_example
from experiments.targets import Experiment, Target
from netlib.datasets.adding import BASELINE_MSE

PTB_EXAMPLE = "Chainer's examples/ptb/train_ptb.py (truncated BPTT, --bproplen 35, clipping 5)"
ADDING = ('the adding problem: Hochreiter & Schmidhuber (1997), "Long short-term memory", '
          'experiment 4; Le, Jaitly & Hinton (2015), arXiv:1504.00941')
KERAS_ADDITION = ("Keras's addition_rnn example (keras-io examples/nlp/addition_rnn.py): "
                  '"Three digits (reversed): One layer LSTM (128 HN), 50k training examples '
                  '= 99% train/test accuracy in 100 epochs"')
GENSIM = ("gensim 4.3.3's Word2Vec (skip-gram, negative sampling, no subsampling, whole "
          'windows) in the same run: same sentences, size, window, negatives, min count, '
          'epochs and learning-rate schedule')
# The Lee vocabulary covers 60 WordSim-353 and 96 SimLex-999 pairs.
SPEARMAN_MARGIN = ('0.1 is below the standard error of a Spearman correlation over 60 pairs '
                   '(1/sqrt(59) = 0.13)')
# How far netlib's mean score may be from gensim's (word2vec's claims and its scores.png).
WORD2VEC_MARGINS = {'wordsim353': 0.1, 'simlex999': 0.1, 'analogy': 0.02}

EXPERIMENTS = (
    Experiment(
        name='rnn_vs_lstm',
        source=f'{UDACITY}: RNN, LSTM; {ADDING}',
        plots=('mse_vs_length.png', 'gradient_vs_step.png', 'loss.png'),
        links=(IRNN_PAPER,),
        targets=(
            Target('At T = 10 the plain tanh RNN solves the adding problem',
                   'rnn_short_test_mse', kind='at_most', bound=BASELINE_MSE / 10, seeded=True,
                   basis='an order of magnitude below the 2/12 = 0.167 of answering 1'),
            Target('At T = 10 the LSTM solves it', 'lstm_short_test_mse', kind='at_most',
                   bound=BASELINE_MSE / 10, seeded=True, basis='the same tenth of 0.167'),
            Target('At T = 100 the RNN learns nothing: it stays near the 0.167 of answering 1',
                   'rnn_long_test_mse', kind='at_least', bound=0.1, seeded=True,
                   basis='answering 1 gives 2/12 = 0.167 (Hochreiter & Schmidhuber 1997); '
                         '0.1 is 60 % of it, ten times the 0.01 of "solved"'),
            Target('At T = 100 the LSTM of the same size, budget and optimizer goes below 0.01',
                   'lstm_long_test_mse', kind='at_most', bound=0.01, seeded=True,
                   basis='0.01: a sixteenth of the 0.167 of answering 1, the mark of "solved" '
                         'in Le et al. (2015), figure 2, where the LSTM solves T = 100'),
            Target("At T = 100 the RNN's gradient w.r.t. the first input is under 1 % of that "
                   "w.r.t. the last (at initialisation: trained, it may explode instead)",
                   'rnn_grad_ratio_init', kind='at_most', bound=1e-2, seeded=True,
                   basis="vanishing_gradient's criterion for a vanished gradient (first layer "
                         "under 1 % of the last), over time steps instead of layers"),
            Target("Trained, the LSTM's first-step gradient keeps at least 10 % of its "
                   "last-step gradient", 'lstm_grad_ratio', kind='at_least', bound=0.1,
                   seeded=True, basis="vanishing_gradient's 10 % for relu's undiminished "
                                      'gradient; the LSTM cell state carries it (Hochreiter '
                                      '& Schmidhuber 1997, constant error carousel)'),
        )),
    Experiment(
        name='char_lm',
        source=f"{UDACITY}: RNN, LSTM; {PTB_EXAMPLE}, on characters of gensim's Lee corpus",
        plots=('held_out_bpc.png', 'loss.png'),
        texts=('samples',),
        links=(chainer_example('ptb'),),
        targets=(
            Target('Held-out bits per character of the LSTM are at least 1 bit below the '
                   'add-one bigram model counted on the same split', 'lstm_minus_bigram_bpc',
                   kind='at_most', bound=-1.0, seeded=True,
                   basis='1 bit per character: the LSTM gives the next character twice the '
                         "bigram's probability (geometric mean over the held-out text)"),
            Target('The LSTM ends below the plain tanh RNN of the same size, data and '
                   'updates', 'lstm_minus_rnn_bpc', kind='at_most', bound=0.0, seeded=True,
                   basis='Karpathy, Johnson & Fei-Fei (2015), "Visualizing and understanding '
                         'recurrent networks", table 2: LSTM below RNN on character models'),
        )),
    Experiment(
        name='seq2seq_addition',
        source=f'{UDACITY}: seq2seq; {KERAS_ADDITION}',
        plots=('loss.png', 'accuracy.png'),
        texts=('examples',),
        links=(KERAS_ADDITION_RNN,),
        targets=(
            # Keras counts characters; exact match (all four right) is the stricter count.
            Target('An LSTM encoder-decoder answers at least 99 % of the held-out three-digit '
                   'additions exactly, fed its own previous output', 'test_accuracy',
                   kind='at_least', bound=0.99, seeded=True, basis=KERAS_ADDITION),
            Target('It first reaches 99 % held-out exact match in fewer epochs than the '
                   "Keras example's 100", 'epochs_to_99', kind='at_most', bound=99,
                   seeded=True, basis=KERAS_ADDITION),
        )),
    Experiment(
        name='word2vec',
        source=f"{UDACITY}: word2vec; Chainer's examples/word2vec on gensim's Lee corpus",
        plots=('loss.png', 'scores.png'),
        texts=('nearest_words',),
        links=(chainer_example('word2vec'),),
        targets=(
            Target("netlib's WordSim-353 Spearman correlation (mean of 3 seeds) is within "
                   f"{WORD2VEC_MARGINS['wordsim353']:g} of gensim's", 'netlib_wordsim353',
                   against='gensim_wordsim353', tolerance=WORD2VEC_MARGINS['wordsim353'],
                   seeded=True, basis=f'{GENSIM}; {SPEARMAN_MARGIN}'),
            Target("netlib's SimLex-999 Spearman correlation is within "
                   f"{WORD2VEC_MARGINS['simlex999']:g} of gensim's", 'netlib_simlex999',
                   against='gensim_simlex999', tolerance=WORD2VEC_MARGINS['simlex999'],
                   seeded=True, basis=f'{GENSIM}; {SPEARMAN_MARGIN}'),
            Target(f"netlib's analogy accuracy is within {WORD2VEC_MARGINS['analogy']:g} of "
                   "gensim's", 'netlib_analogy', against='gensim_analogy',
                   tolerance=WORD2VEC_MARGINS['analogy'], seeded=True,
                   basis=f'{GENSIM}; 0.02 is 3 of the 146 questions the Lee vocabulary covers'),
            Target("netlib's and gensim's vectors share at least 70 % as many of each word's "
                   "10 nearest neighbours as two gensim seeds share", 'overlap_ratio',
                   kind='at_least', bound=0.7, seeded=True, basis=GENSIM),
        )),
)
