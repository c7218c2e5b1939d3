"""The plots beside three claims show the claim: gan_mnist's bound, transfer_learning's
paired draws, word2vec's margin around gensim (drawn from the reference outputs)."""

import json

import pytest

from conftest import ROOT
from experiments import gan_mnist, transfer_learning, word2vec
from netlib.plots import curves, strips
from netlib.plots.figure_check import figure_problems

RESULTS = ROOT / 'results'


@pytest.fixture
def drawn(monkeypatch):
    """The figures the plots would save, kept open instead."""
    figures = []
    for module in (curves, strips):
        monkeypatch.setattr(module, 'save_figure', lambda figure, path: figures.append(figure))
    return figures


def test_the_discriminator_plot_draws_the_claims_bound(drawn, tmp_path):
    log = json.loads((RESULTS / 'gan_mnist' / 'log').read_text())
    gan_mnist.plot_discriminator_accuracy(tmp_path / 'd.png', log)
    levels = {round(line.get_ydata()[0], 3) for line in drawn[0].axes[0].lines
              if len(set(line.get_ydata())) == 1}
    assert {0.5, 0.75} <= levels


def test_transfer_plot_shows_each_paired_draw_against_no_gain(drawn, tmp_path):
    table = {'mnist': {method: {1: [0.5, 0.6], 10: [0.7, 0.8]}
                       for method in transfer_learning.METHODS}}
    table['mnist']['finetune'] = {1: [0.55, 0.58], 10: [0.75, 0.79]}
    transfer_learning.plot_paired_gains(tmp_path / 'a.png', table, 'cnn')
    axes = drawn[0].axes[0]
    points = {line.get_label(): sorted(round(y, 2) for y in line.get_ydata())
              for line in axes.lines}
    assert points['finetune: each draw'] == [-0.02, -0.01, 0.05, 0.05]  # each draw's gain
    assert points['no gain'] == [0.0, 0.0]



def test_transfer_plot_of_one_n_per_class_passes_the_figure_check(drawn, tmp_path):
    # --per-class 10 alone: each mean is one point, drawn as a bar (a line of one point
    # shows nothing, and the figure check refused it: the GPU check's tiny run failed)
    table = {name: {method: {10: [0.5, 0.7]} for method in transfer_learning.METHODS}
             for name in ('mnist', 'sklearn')}
    transfer_learning.plot_paired_gains(tmp_path / 'a.png', table, 'mlp')
    assert figure_problems(drawn[0]) == []
    means = [line for axes in drawn[0].axes for line in axes.lines
             if line.get_label().endswith(': mean')]
    assert len(means) == 4 and all(line.get_marker() == '_' for line in means)

def test_word2vec_scores_show_the_margin_around_gensim(drawn, tmp_path):
    scores = {f'{library}_{seed}': {key: value for key in word2vec.WORD2VEC_MARGINS}
              for library, value in (('netlib', 0.2), ('gensim', 0.25)) for seed in (0, 1)}
    word2vec.plot_scores(tmp_path / 's.png', scores, [0, 1])
    for axes, margin in zip(drawn[0].axes, word2vec.WORD2VEC_MARGINS.values()):
        band = axes.patches[0]  # axhspan: a rectangle from y to y + height in data units
        assert (round(band.get_y(), 6), round(band.get_y() + band.get_height(), 6)) == (
            round(0.25 - margin, 6), round(0.25 + margin, 6))
        assert not any(line.get_linestyle() == '-' and len(line.get_xdata()) > 2
                       for line in axes.lines)  # no line joins the seeds
