"""The report as a reader checks it: a summary line that counts the targets, no cell that
contradicts its result, numbers rounded to what their spread supports, and nothing cited
that a reader cannot see."""

import json
import re
import shutil

import pytest

from conftest import ROOT
from experiments import report
from experiments.targets import Spread, decimals_for


@pytest.fixture(scope='module')
def written(tmp_path_factory):
    """The report rewritten from a copy of the reference outputs: its rows and its text."""
    results = tmp_path_factory.mktemp('results') / 'results'
    shutil.copytree(ROOT / 'results', results)
    rows = report.report(results)
    return rows, (results / 'README.md').read_text(encoding='utf-8')


def _table_rows(text):
    return [line.split(' | ') for line in text.splitlines()
            if line.startswith('| `') and line.endswith(' |')]


def _cells(text, columns):
    """Each row of the table with these *columns*: ``{column: cell}``."""
    header = '| ' + ' | '.join(columns) + ' |'
    lines = text.split(header + '\n')[1].split('\n\n')[0].splitlines()[1:]
    return [dict(zip(columns, line[2:-2].split(' | '))) for line in lines]


def test_a_summary_line_opens_it(written):
    rows, text = written
    met = sum(row.passed for row in rows)
    posts = sum(row.target.quote is not None for row in rows)
    first = next(line for line in text.splitlines()[1:] if line.startswith('**'))
    assert first.startswith(f'**{met} of {len(rows)} targets met**: ')
    assert f'of the {posts} numbers the posts printed' in first


def test_no_seed_count_contradicts_the_result(written):
    for cells in _cells(written[1], report.CLAIM_COLUMNS):
        count = re.fullmatch(r'(\d+) of (\d+)', cells['seeds meeting it'])
        if cells['result'] == 'pass' and cells['seed spread']:  # the reference seed meets it
            assert count and int(count.group(1)) >= 1, cells
        elif count:
            assert int(count.group(1)) < int(count.group(2)), cells


def test_word2vec_rows_count_the_seeds_within_the_margin_of_gensims(written):
    spread = json.loads((ROOT / 'results' / 'seed_spread.json').read_text())
    measured = spread['word2vec']['metrics']
    rows = [row for row in written[0] if row.target.quote is None]
    checked = 0
    for row, cells in zip(rows, _cells(written[1], report.CLAIM_COLUMNS), strict=True):
        if row.experiment.name != 'word2vec' or row.target.against is None:
            continue
        pairs = list(zip(measured[row.target.metric], measured[row.target.against]))
        met = sum(abs(ours - theirs) <= row.target.tolerance for ours, theirs in pairs)
        assert (cells['claim'], cells['seeds meeting it']) == (row.target.label,
                                                               f'{met} of {len(pairs)}')
        checked += 1
    assert checked == 3


def _last_place(number):
    """The power of ten of the last digit written: 0.0378 -> -4, 8.8e-07 -> -8, 14 -> 0."""
    mantissa, _, exponent = number.lstrip('-').partition('e')
    return int(exponent or 0) - len(mantissa.partition('.')[2])


def _supported(number, scale):
    """Written to a place one finer than *scale*, or coarser, or in two significant digits."""
    significant = number.lstrip('-').partition('e')[0].replace('.', '').lstrip('0')
    return len(significant) <= 2 or (scale > 0 and _last_place(number) >= -decimals_for(scale))


NUMBER = r'(-?[\d.]+(?:e[-+]\d+)?)'


def test_numbers_carry_no_more_digits_than_their_spread(written):
    text = written[1]
    for cells in (_cells(text, report.POST_COLUMNS) + _cells(text, report.CLAIM_COLUMNS)):
        measured = cells.get('reproduced') or cells['measured']
        spread = re.fullmatch(rf'{NUMBER} ± {NUMBER} \(min {NUMBER}, max {NUMBER}; .*',
                              cells['seed spread'])
        if spread:  # the measured value, and the spread's mean, min and max, against its sd
            mean, sd, low, high = spread.groups()
            for shown in (measured, mean, low, high):
                assert _supported(shown, float(sd)), (shown, cells)
        elif '±' in cells['criterion'] or cells['criterion'][0] in '≤≥':
            scale = float(cells['criterion'].split()[-1])  # no spread: the criterion's
            assert _supported(measured, scale), (measured, cells)
    assert '0.30200000000000005' not in text and '| 0.302 |' in text
    assert '| 0.053 | ≥ 0 |' in text  # transfer's gain, a mean over five noisy draws


def test_the_reader_sees_every_source_cited(written):
    text = written[1]
    assert 'the issue' not in text and 'Command:`' not in text
    assert 'Command: `netlib run logic_gates`' in text


def test_seeds_meeting_pairs_each_seed_with_its_reference():
    target = next(target for experiment in report.EXPERIMENTS for target in experiment.targets
                  if target.against == 'gensim_analogy')
    row = report.Row(None, target, 0.03, True, Spread((0.03, 0.02, 0.05)), {},
                     Spread((0.02, 0.021, 0.01)))
    assert row.seeds_meeting() == '2 of 3'  # 0.05 is 0.04 from its seed's 0.01
