"""Every experiment's figures can be read: each run small, then the check itself.

The check (:func:`netlib.plots.figure_check.check_figure`) runs inside ``save_figure``,
before any PNG is written, so a run that completes has passed it for every
figure; the runs below also pin which PNGs each experiment writes.  The
settings are the smallest that draw every figure (about 15 s in all on two
cores).
"""

import importlib

import numpy as np
import pytest

from netlib import plots
from netlib.plots.figure_check import FigureError, figure_problems
from netlib.plots import plt

# experiment -> (its smallest run, the PNGs it writes)
RUNS = {
    'mnist_mlp': (['--epoch', 1, '--unit', 10, '--train-size', 500, '--test-size', 100],
                  {'loss.png', 'accuracy.png'}),
    'mnist_cnn': (['--epoch', 1, '--train-size', 256, '--test-size', 100],
                  {'loss.png', 'accuracy.png'}),
    'optimizer_compare': (['--iteration', 20], {'paths.png', 'mnist_loss.png'}),
    'autoencoder': (['--epoch', 1, '--train-size', 200, '--test-size', 10, '--unit', 16,
                     '--code', 4], {'mse_vs_mean_image.png', 'reconstructions.png'}),
    'weight_init': (['--iteration', 20, '--train-size', 200, '--test-size', 100,
                     '--histogram-inputs', 50, '--histogram-layers', 2],
                    {'activations_sigmoid.png', 'activations_relu.png', 'loss.png',
                     'accuracy.png'}),
    'overfit_dropout': (['--epoch', 2, '--train-size', 100, '--test-size', 100,
                         '--hidden-layers', 2], {'accuracy.png', 'gap.png'}),
    'byte_cnn': (['--epoch', 1, '--train-windows', 200, '--test-windows', 100],
                 {'loss.png', 'accuracy.png', 'confusion.png'}),
    'mnist_inference': (['--test-size', 100], {'misclassified.png'}),
    'batch_norm': (['--scales', 3, '--epoch', 1, '--train-size', 200],
                   {'accuracy_grid.png', 'final_accuracy.png'}),
    'transfer_learning': (['--epoch', 1, '--unit', 16, '--per-class', '1,5', '--seeds', 2,
                           '--steps', 10], {'accuracy_vs_n.png'}),
    'vanishing_gradient': (['--iteration', 20, '--train-size', 200, '--test-size', 100],
                           {'derivatives.png', 'gradient_norms.png', 'loss.png',
                            'accuracy.png'}),
}
WITHOUT_DATA = {  # the post's own data, no MNIST
    # 50 updates: the loss reaches exactly 0 at update 38, below the log axis
    'steps_regression': (['--epoch', 50], {'loss.png'}),
    'logic_gates': (['--epoch', 20], {'xor_loss.png', 'activations.png'}),
    'rnn_vs_lstm': (['--lengths', '3,6', '--iteration', 10, '--test-size', 20],
                    {'loss.png', 'mse_vs_length.png', 'gradient_vs_step.png'}),
    # gensim's Lee corpus (the test extra installs gensim)
    'char_lm': (['--iteration', 5, '--unit', 8, '--batchsize', 4, '--bproplen', 5,
                 '--held-out', 0.01, '--sample-length', 5], {'loss.png', 'held_out_bpc.png'}),
    'seq2seq_addition': (['--epoch', 1, '--questions', 600, '--unit', 16, '--batchsize', 50],
                         {'loss.png', 'accuracy.png'}),
    # gensim's Lee corpus and evaluation sets, from its installed wheel
    'word2vec': (['--epoch', 1, '--unit', 10, '--repeats', 2], {'loss.png', 'scores.png'}),
}


def run_small(name, args, tmp_path):
    out = tmp_path / 'run'
    importlib.import_module(f'experiments.{name}').main(
        [*map(str, args), '--out', str(out), '--no-progress'])
    return {path.name for path in out.glob('*.png')}


@pytest.mark.parametrize('name', RUNS)
def test_every_figure_passes_the_check(name, tmp_path, data_dir):
    args, figures = RUNS[name]
    assert run_small(name, [*args, '--data-dir', data_dir], tmp_path) == figures


@pytest.mark.parametrize('name', WITHOUT_DATA)
def test_every_figure_of_the_posts_data_passes_the_check(name, tmp_path):
    args, figures = WITHOUT_DATA[name]
    assert run_small(name, args, tmp_path) == figures


def test_the_loss_plot_shows_the_table_of_optimizer_compare(tmp_path, data_dir, monkeypatch):
    drawn = {}
    monkeypatch.setattr(plots, 'plot_curves', lambda path, curves, **_: drawn.update(curves))
    metrics = importlib.import_module('experiments.optimizer_compare').main(
        ['--iteration', '20', '--data-dir', str(data_dir), '--out', str(tmp_path / 'run')])
    for name, row in metrics['loss_table'].items():  # the untrained loss first, 2.6242
        _, ys = drawn[name]
        assert [ys[step] for step in metrics['checkpoints']] == pytest.approx(row)


# -- the check itself ---------------------------------------------------------

def chart(title='loss', xlabel='epoch', ylabel='loss', series=((1, 2, 3), (3, 2, 1)),
          labels=('train',), legend=True, whole_ticks=True):
    """A figure with one axes and a line per ``ys`` in *series* (x = 1, 2, ...)."""
    figure, axes = plt.subplots()
    if whole_ticks:
        plots.integer_ticks(axes.xaxis)
    for number, ys in enumerate(series):
        label = labels[number] if number < len(labels) else None
        axes.plot(range(1, len(ys) + 1), ys, marker='o', label=label)
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if legend:
        axes.legend()
    return figure


def problems(figure):
    try:
        return figure_problems(figure)
    finally:
        plt.close(figure)


def test_a_readable_figure_passes():
    assert problems(chart(series=[(1, 2), (2, 1)], labels=('train', 'test'))) == []


@pytest.mark.parametrize('figure, message', [
    (lambda: chart(title='', series=[(1, 2)]), 'has no title'),
    (lambda: chart(xlabel='', series=[(1, 2)]), 'has no x label'),
    (lambda: chart(ylabel='', series=[(1, 2)]), 'has no y label'),
    (lambda: chart(labels=(), legend=False), '2 of its 2 series have no label'),
    (lambda: chart(labels=('train', 'test'), legend=False), 'has 2 series but no legend'),
], ids=['title', 'x label', 'y label', 'unlabelled series', 'legend'])
def test_save_figure_refuses_and_names_the_file(figure, message, tmp_path):
    path = tmp_path / 'loss.png'
    with pytest.raises(FigureError, match=message) as error:
        plots.save_figure(figure(), path)
    assert str(path) in str(error.value)
    assert not path.exists()


def test_a_series_outside_the_axes_fails():
    figure = chart(series=[(1, 2), (50, 60)], labels=('train', 'test'))
    figure.axes[0].set_ylim(0, 3)
    assert problems(figure) == [
        "axes 1 ('loss'): series 'test' lies entirely outside the axes limits "
        '(x 0.95..2.05, y 0..3)']


def test_a_series_a_log_axis_cannot_show_fails():
    figure = chart(series=[(1, 0.1), (0, 0)], labels=('train', 'test'))
    figure.axes[0].set_yscale('log')
    assert 'no point the axes can draw' in problems(figure)[0]


def test_a_lone_point_without_a_marker_fails():
    figure, axes = plt.subplots()
    axes.plot([1], [0.5], label='train')
    axes.set(title='t', xlabel='learning rate', ylabel='loss')
    assert problems(figure) == ["axes 1 ('t'): series 'train' is a single point drawn "
                                'without a marker']


def test_an_epoch_axis_needs_whole_ticks():
    figure = chart(series=[(0.5,)], whole_ticks=False)  # matplotlib ticks 0.945 ... 1.05
    assert 'counts whole epochs but has ticks at 0.96' in problems(figure)[0]
    assert problems(chart(series=[(0.5,)])) == []  # with plots.integer_ticks


def test_shared_labels_and_pictures_need_no_labels_of_their_own():
    figure, grid = plt.subplots(2, 2, sharex=True, sharey=True)
    for axes in grid.flat:
        axes.plot([1, 2], [1, 2], label='one line')
    for axes in grid[-1]:
        axes.set_xlabel('time (s)')
    for axes in grid[:, 0]:
        axes.set_ylabel('loss')
    figure.suptitle('panels')
    assert problems(figure) == []
    figure, axes = plt.subplots()
    axes.imshow(np.zeros((4, 4)))
    axes.set(xticks=[], yticks=[], title='an image')
    assert problems(figure) == []


# -- what the plot functions draw ----------------------------------------------

def test_a_loss_of_exactly_0_is_marked_on_a_log_axis(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr('netlib.plots.figures.check_figure',
                        lambda figure, path: drawn.append(figure))
    loss = [10.0 * 0.1 ** epoch for epoch in range(10)] + [0.0] * 10
    plots.plot_curves(tmp_path / 'loss.png', {'train loss': (range(1, 21), loss)},
                      title='t', xlabel='epoch', ylabel='loss')
    axes = drawn[0].axes[0]
    assert axes.get_yscale() == 'log'
    marks = axes.lines[1]
    assert marks.get_label() == 'train loss = 0 exactly, below this log axis'
    assert list(marks.get_xdata()) == list(range(11, 21))
    assert set(marks.get_ydata()) == {axes.get_ylim()[0]}


def test_smoothing_starts_at_the_first_value():
    np.testing.assert_allclose(plots.smooth_curve([4.0, 2.0, 0.0, 2.0], window=2),
                               [4.0, 3.0, 1.0, 1.0])


@pytest.mark.parametrize('key, labels, text', [
    ('main/loss', None, 'train loss'),
    ('validation/main/accuracy', None, 'test accuracy'),
    ('relu/loss', None, 'relu'),
    ('he/loss', {'he': 'He'}, 'He'),
    ('main/loss', {'main/loss': 'train loss (dropout on)'}, 'train loss (dropout on)'),
])
def test_legend_labels_are_readable(key, labels, text):
    assert plots.legend_label(key, labels) == text
