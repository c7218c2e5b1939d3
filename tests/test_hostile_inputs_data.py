"""Sizes that only the data or other flags make impossible, refused as any bad flag is:
exit code 2, one line on stderr naming the sizes, no traceback, nothing written."""

import pytest

MAX_SEED = 2 ** 32 - 1


def assert_refused(result, out, *says):
    """Exit 2, a single line holding every phrase in *says*, and no --out left behind."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr[-2000:]
    assert len(lines) == 1 and 'Traceback' not in result.stderr, result.stderr[-2000:]
    assert all(phrase in lines[0] for phrase in says), lines[0]
    assert not out.exists()


@pytest.mark.parametrize('sizes, says', [
    ([], ['23 characters', '--batchsize 64 streams x --bproplen 35']),
    (['--batchsize', 2, '--bproplen', 2], ['held-out text', '3 characters', 'at least 33']),
])
def test_char_lm_refuses_a_text_too_short_for_its_streams(run, tmp_path, sizes, says):
    text = tmp_path / 'alphabet.txt'
    text.write_text('abcdefghijklmnopqrstuvwxyz', encoding='utf-8')
    out = tmp_path / 'run'
    result = run('experiments.char_lm', '--text', text, '--iteration', 1, '--unit', 4,
                 '--sample-length', 1, *sizes, '--out', out)
    assert_refused(result, out, *says)


def test_word2vec_refuses_repeats_whose_seeds_pass_numpys_largest(run, tmp_path):
    out = tmp_path / 'run'
    result = run('experiments.word2vec', '--repeats', 2, '--seed', MAX_SEED, '--out', out)
    assert_refused(result, out, f'--seed {MAX_SEED} with --repeats 2', str(MAX_SEED + 1))


def test_word2vec_refuses_a_text_without_two_kept_words_on_a_line(run, tmp_path):
    text = tmp_path / 'one_word_a_line.txt'
    words = [f'word{letter}' for letter in 'abcdefghijk']  # 11 words, each on its own lines
    text.write_text('\n'.join(words * 5), encoding='utf-8')
    out = tmp_path / 'run'
    result = run('experiments.word2vec', '--text', text, '--epoch', 1, '--unit', 4,
                 '--repeats', 1, '--out', out)
    assert_refused(result, out, 'no (centre, context) pairs')


def test_tune_refuses_seeds_per_trial_past_numpys_largest_seed(run, tmp_path):
    out = tmp_path / 'study'
    result = run('netlib.cli.command', 'tune', 'mnist_mlp', '--trials', 1, '--seeds-per-trial',
                 2, '--seed', MAX_SEED, '--out', out, '--epoch', 1, '--train-size', 300,
                 '--test-size', 100, '--unit', 10)
    assert_refused(result, out, f'--seed {MAX_SEED} with --seeds-per-trial 2')


@pytest.mark.parametrize('flags, says', [
    (['--digits', 19, '--questions', 100], '--digits: must be at most 18'),
    (['--questions', 5, '--batchsize', 2], '--questions: must be at least 10'),
])
def test_seq2seq_addition_refuses_sizes_that_overflow_or_hold_out_nothing(run, tmp_path,
                                                                          flags, says):
    out = tmp_path / 'run'
    result = run('experiments.seq2seq_addition', *flags, '--epoch', 1, '--unit', 4,
                 '--embed', 2, '--out', out)
    assert_refused(result, out, says)


@pytest.mark.parametrize('flags, says', [
    (['--per-class', 100000], ['--per-class 100000', 'MNIST digits 5-9']),
    (['--per-class', 100], ["scikit-learn's 8x8 digits", 'images to learn from']),
    (['--batchsize', 1000000], ['--batchsize 1000000', 'no update']),
])
def test_transfer_learning_refuses_sizes_before_saving_the_pretrained_net(run, tmp_path,
                                                                         data_dir, flags, says):
    out = tmp_path / 'run'
    result = run('experiments.transfer_learning', '--epoch', 1, '--unit', 4, '--seeds', 1,
                 '--steps', 1, '--per-class', 1, *flags, '--data-dir', data_dir, '--out', out)
    assert_refused(result, out, *says)
