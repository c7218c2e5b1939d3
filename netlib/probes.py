"""Looking inside small networks while they train, for the concept experiments.

The concept scripts (vanishing gradients, weight initialisation, batch norm,
dropout) train the same small net several times, changing one thing, and
compare numbers the Trainer does not report: the gradient of every layer, the
accuracy on the whole training set measured in test mode after every epoch.
They share this short loop, these measurements and one small-multiples plot.
"""

import chainer
import numpy as np

from netlib import cli, plots, steps
from netlib.training import check_loss


def add_mlp_arguments(parser, hidden_layers, unit=100):
    """``--hidden-layers`` and ``--unit``: the depth and width of the compared nets."""
    parser.add_argument('--hidden-layers', type=cli.positive_int, default=hidden_layers,
                        help='hidden layers of the net (the output layer comes on top)')
    parser.add_argument('--unit', '-u', type=cli.positive_int, default=unit,
                        help='units in each hidden layer')


def mnist_mlp_sizes(args):
    """784 inputs, ``--hidden-layers`` layers of ``--unit``, 10 outputs."""
    return (784,) + (args.unit,) * args.hidden_layers + (10,)


def weight_gradient_norms(layers):
    """The L2 norm of each layer's weight gradient ``W.grad``, input layer first."""
    return [float(layer.xp.linalg.norm(layer.W.grad)) for layer in layers]


def gradient_norms_on_batch(model, layers, x, t):
    """Back-propagate *model*'s loss on (x, t) once; the weight-gradient norm per layer.

    The parameters are left unchanged: this measures, it does not train.
    """
    model.cleargrads()
    model(x, t).backward()
    norms = weight_gradient_norms(layers)
    model.cleargrads()
    return norms


def random_batches(size, batchsize, iterations):
    """Index arrays of *batchsize* examples drawn with replacement, one per iteration.

    Drawn as "Deep Learning from Scratch" draws them (``np.random.choice``), so a
    run can stop after any number of iterations, not only after whole epochs,
    and the same seed gives the same batches to every net being compared.
    """
    for _ in range(iterations):
        yield np.random.choice(size, batchsize)


def train_iterations(model, optimizer, x, t, batchsize, iterations, allow_divergence=False):
    """Update *model* (a Classifier) on *iterations* random mini-batches.

    Returns the mini-batch loss of every iteration, the training curve.  A
    loss that is not finite raises ``Diverged`` (exit 3, one line), unless
    *allow_divergence*: an experiment about nets that fail keeps going.
    """
    losses = []
    for indices in random_batches(len(x), batchsize, iterations):
        indices = model.xp.asarray(indices)  # a GPU array is indexed by a GPU array
        loss = model(x[indices], t[indices])
        steps.update(optimizer, loss)
        losses.append(float(loss.array))
        if not allow_divergence:
            check_loss(losses[-1], len(losses))
    return losses


def moving_average(values, window):
    """``(iterations, means)`` of *window* consecutive values, iteration counted from 1.

    A mini-batch loss jumps from batch to batch; averaging a window of them
    shows the trend, which is what a loss plot is read for.
    """
    window = max(1, min(window, len(values)))
    means = np.convolve(values, np.ones(window) / window, mode='valid')
    return np.arange(window, len(values) + 1), means


def evaluate(model, x, t, batchsize=1000):
    """Mean loss and accuracy of a Classifier over all of (x, t), in test mode.

    Test mode switches dropout off and makes batch normalization use its
    running averages, so the numbers describe the net, not one noisy batch.
    """
    totals = {'loss': 0.0, 'accuracy': 0.0}
    with chainer.using_config('train', False), chainer.no_backprop_mode():
        for start in range(0, len(x), batchsize):
            x_batch, t_batch = x[start:start + batchsize], t[start:start + batchsize]
            totals['loss'] += float(model(x_batch, t_batch).array) * len(x_batch)
            totals['accuracy'] += float(model.accuracy.array) * len(x_batch)
    return {name: total / len(x) for name, total in totals.items()}


def accuracy_curves(model, optimizer, train, batchsize, epochs, evaluated,
                    allow_divergence=False):
    """Train for *epochs* epochs; after each, the accuracy on every set in *evaluated*.

    An epoch is ``len(train) / batchsize`` random mini-batches.  *evaluated*
    maps a name (``'train'``, ``'test'``) to an ``(x, t)`` pair; the result maps
    the same names to one accuracy per epoch, and ``'loss'`` to the mean
    mini-batch loss of each epoch.  *allow_divergence* as for
    :func:`train_iterations`.
    """
    x, t = train
    iterations = max(1, len(x) // batchsize)
    curves = {name: [] for name in ('loss', *evaluated)}
    for _ in range(epochs):
        losses = train_iterations(model, optimizer, x, t, batchsize, iterations,
                                  allow_divergence)
        curves['loss'].append(float(np.mean(losses)))
        for name, (x_eval, t_eval) in evaluated.items():
            curves[name].append(evaluate(model, x_eval, t_eval)['accuracy'])
    return curves


def plot_panels(path, panels, title, xlabel, ylabel, columns=None, log_scale=False,
                ylim=None, sharey=True):
    """Small multiples: one axes per ``panel title -> {label: (xs, ys)}`` in *panels*.

    The panels share the x axis and, unless *sharey* is False, the y axis, so
    their curves compare at a glance; the legend is drawn once, below, since
    every panel has the same labels.
    """
    columns = columns or len(panels)
    rows = -(-len(panels) // columns)
    figure, grid = plots.plt.subplots(rows, columns, figsize=(3.2 * columns, 2.6 * rows + 0.6),
                                      sharex=True, sharey=sharey, squeeze=False)
    for axes, (panel_title, curves) in zip(grid.flat, panels.items()):
        for label, (xs, ys) in curves.items():
            axes.plot(xs, ys, label=label)
        axes.set_title(panel_title, fontsize=10)
        axes.grid(True, alpha=0.3)
        if log_scale and any(y > 0 for _, ys in curves.values() for y in ys if y is not None):
            axes.set_yscale('log')  # (a dead net's all-zero curve has no log scale)
        if ylim:
            axes.set_ylim(*ylim)
    for axes in grid.flat[len(panels):]:
        axes.set_visible(False)
    for axes in grid[-1]:
        axes.set_xlabel(xlabel)
    for axes in grid[:, 0]:
        axes.set_ylabel(ylabel + (' (log scale)' if log_scale else ''))
    handles, labels = grid.flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc='lower center', ncol=len(labels),
                  bbox_to_anchor=(0.5, -0.04 if rows > 1 else -0.1))
    figure.suptitle(title)
    figure.tight_layout()
    plots.save_figure(figure, path)
