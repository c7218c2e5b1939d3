"""The registry's numbers: each post number is quoted from its post, each claim has none."""

import json
import os

import pytest

from conftest import ROOT
from experiments import report
from experiments.registry import EXPERIMENTS
from experiments.targets import SPREAD, Quote, Spread, Target

SEEDS = ROOT.parent / 'shared' / 'seeds'
TARGETS = [(experiment, target) for experiment in EXPERIMENTS for target in experiment.targets]
QUOTED = [(experiment, target) for experiment, target in TARGETS if target.quote]


@pytest.fixture(scope='module')
def posts():
    if not SEEDS.is_dir():
        if os.environ.get('CI'):
            pytest.fail(f'the source posts are missing from {SEEDS}')
        pytest.skip(f'the source posts are not beside the clone ({SEEDS})')
    return {path.name: path.read_text(encoding='utf-8') for path in SEEDS.glob('*.txt')}


@pytest.mark.parametrize('experiment, target', QUOTED,
                         ids=[f'{e.name}:{t.metric}' for e, t in QUOTED])
def test_every_blog_value_is_quoted_from_its_post(posts, experiment, target):
    quote = target.quote
    assert any(quote.line in line for line in posts[quote.post.file].splitlines())
    assert quote.printed in quote.line
    assert target.blog == quote.value


def test_the_quoted_forms_parse_to_their_numbers():
    post = EXPERIMENTS[0].targets[0]  # any post will do for the value
    assert Quote(post, 'Accuracy:0.9352', '0.9352').value == 0.9352
    assert Quote(post, '精度は92%くらい', '92%').value == 0.92
    assert Quote(post, '最大で1/4しか', '1/4').value == 0.25
    assert Quote(post, 'x', '92%').half_unit == pytest.approx(0.005)
    assert Quote(post, 'x', '0.9871').half_unit == pytest.approx(0.00005)


def test_claims_have_no_blog_value_and_say_where_their_criterion_comes_from():
    for experiment, target in TARGETS:
        if target.quote is None:
            assert target.blog is None and target.kind in ('at_least', 'at_most', 'close')
            assert target.basis, f'{experiment.name}: {target.label}'


def test_a_stochastic_post_number_takes_its_tolerance_from_the_spread():
    quote = Quote(EXPERIMENTS[0].targets[0], 'Test accuracy: 0.9871', '0.9871')
    target = Target('accuracy', 'a', quote=quote, tolerance=SPREAD, seeded=True)
    spread = Spread((0.9880, 0.9885, 0.9890, 0.9875, 0.9870))  # sd 0.00079
    assert target.resolved(spread)[0] == pytest.approx(3 * 0.0007905694, rel=1e-6)
    assert target.passes(0.9893, {}, spread) and not target.passes(0.9896, {}, spread)
    assert not target.passes(0.9880, {}, None)  # no spread measured: no verdict
    assert 'needs the seed spread' in target.criterion(None)


def test_a_bound_from_the_spread_is_mean_plus_three_sd():
    target = Target('loss', 'l', kind='at_most', bound=SPREAD, seeded=True, basis='spread')
    spread = Spread((1.0, 2.0, 3.0))  # mean 2, sd 1
    assert target.resolved(spread)[1] == 5.0
    assert target.passes(5.0, {}, spread) and not target.passes(5.01, {}, spread)


def test_a_seed_without_a_value_meets_nothing_and_is_left_out_of_the_mean():
    spread = Spread((12, 10, None, 9))  # epochs to 99 %: one seed never got there
    assert spread.mean == pytest.approx(31 / 3) and spread.sd == pytest.approx(1.527525, rel=1e-6)
    assert str(spread) == '10.3 ± 1.5 (min 9, max 12; 4 seeds, 1 without a value)'
    target = Target('within 99 epochs', 'epochs', kind='at_most', bound=99, seeded=True,
                    basis='anchor')
    assert [target.passes(value, {}, spread) for value in spread.values] == [
        True, True, False, True]


def test_a_claim_against_a_peer_shows_the_peers_value_from_the_same_run():
    target = Target('netlib near gensim', 'netlib_score', against='gensim_score',
                    tolerance=0.1, basis='peer')
    metrics = {'netlib_score': 0.31, 'gensim_score': 0.25}
    assert target.criterion(None, metrics) == '`gensim_score` = 0.25 ± 0.1'
    assert target.passes(0.31, metrics) and not target.passes(0.36, metrics)


def test_every_seeded_target_has_its_spread_recorded():
    spreads = report.seed_spreads(report.RESULTS)
    missing = [f'{e.name}:{t.metric}' for e, t in TARGETS
               if t.seeded and len(spreads.get((e.name, t.metric), Spread(())).values) < 5]
    assert not missing, f'run netlib reproduce --seeds 5 --only ...: {missing}'


def test_the_report_separates_post_numbers_from_claims(tmp_path):
    (tmp_path / 'steps_regression_blog').mkdir()
    (tmp_path / 'steps_regression_blog' / 'metrics.json').write_text(
        json.dumps({'loss': 19.60489845275879}))
    report.report(tmp_path)
    text = (tmp_path / 'README.md').read_text()
    numbers, claims = text.split('## Claims')
    assert '| `steps_regression_blog` | STEP 4 loss as the post printed it | ' \
           '`損失関数:variable(19.60489845275879)` | 19.60489845275879 | 19.60489845275879 | ' \
           '= the post |  | pass |' in numbers
    assert 'cannot fit XOR' in claims and 'cannot fit XOR' not in numbers
    assert '../shared' not in text


def test_the_report_prints_an_experiments_texts(tmp_path):
    (tmp_path / 'char_lm').mkdir()
    (tmp_path / 'char_lm' / 'metrics.json').write_text(json.dumps(
        {'samples': {'LSTM sample, temperature 0.5': 'The minister said'}}))
    report.report(tmp_path)
    section = (tmp_path / 'README.md').read_text().split('## char_lm')[1]
    assert 'LSTM sample, temperature 0.5:\n\n```\nThe minister said\n```' in section
