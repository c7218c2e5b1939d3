"""Deep Learning from Scratch, chapter 6: SGD, Momentum, AdaGrad and Adam compared.

Part 1 (the book's ``optimizer_compare_naive.py``): each optimizer walks 30
steps down f(x, y) = x**2 / 20 + y**2 from (-7, 2), the point a Chainer
``Parameter``.  Part 2 (``optimizer_compare_mnist.py``): each optimizer trains
a 784-100x4-10 ReLU net on MNIST; all start from the same weights and update
on the same random minibatches, so their curves differ only by the update rule::

    netlib run optimizer_compare --optimizer sgd,adam,rmsprop --iteration 500
"""

import copy

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer
import chainer.functions as F
import numpy as np

from netlib import cli, MLP, optimizers, plots
from netlib.cli import flags
from netlib.cli.wording import counted
from netlib import steps
from netlib.datasets.mnist import load_mnist
from netlib.plots import plt
from netlib.training.extensions import every_iteration
from netlib.training.runs import Run

DEFAULTS = dict(
    iteration=2000,        # minibatch updates of every net
    batchsize=128,         # drawn with replacement, as in the book
    optimizer=('sgd', 'momentum', 'adagrad', 'adam'),  # part 2; --lr overrides the book's rates
    data_dir=None,
    frequency=500,         # snapshot every 500 iterations
    out='runs/optimizer_compare',
)

START = (-7.0, 2.0)
PATH_STEPS = 30
# The book's learning rates, by Chainer class name: part 1, then part 2 (an
# optimizer not listed there gets Chainer's default).
PATH_LR = {'SGD': 0.95, 'MomentumSGD': 0.1, 'AdaGrad': 1.5, 'Adam': 0.3}
MNIST_LR = {'SGD': 0.01, 'MomentumSGD': 0.01, 'AdaGrad': 0.01, 'Adam': 0.001}
BOOK_NAMES = {'MomentumSGD': 'Momentum'}  # the others are the book's names already
UNITS = (784, 100, 100, 100, 100, 10)
LOG_EVERY = 100  # iterations, as the book prints
LOSS_WINDOW = 20  # minibatch losses averaged in a table entry and a point of the plot
CONTOUR_LEVELS = (0.25, 0.5, 1, 2, 4, 8)  # values of f; doubling, so the minimum shows


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS)
    run = Run(args)

    # 0: load data
    x_train, t_train = load_mnist(args.data_dir, 'train')

    # 1: settings: part 2's nets all start from the same initial weights
    base = MLP(UNITS, 'relu', initialW=chainer.initializers.HeNormal())
    trainees = {}
    for name in args.optimizer:
        optimizer = optimizers.create(name, args.lr or MNIST_LR.get(name), args.optimizer_arg)
        model = copy.deepcopy(base).to_device(run.device)
        trainees[BOOK_NAMES.get(name, name)] = optimizers.setup(
            optimizer, model, args.weight_decay, args.grad_clip)

    # 2: training, part 1: the paths down the bowl
    paths = book_paths()
    print(f'part 1: {PATH_STEPS} steps on f(x, y) = x**2/20 + y**2 from {START}')
    for name, path in paths.items():
        print(f'  {path_title(name):18s} ends at ({path[-1, 0]:+.5f}, {path[-1, 1]:+.5f})')

    # 2: training, part 2: MNIST
    print(f'part 2: MNIST, {"-".join(map(str, UNITS))} ReLU net (He init), minibatches of '
          f'{args.batchsize}, {counted(args.iteration, "iteration")}: ' +
          ', '.join(f'{name} ({describe(optimizer)})' for name, optimizer in trainees.items()))
    every_loss = every_iteration()  # for the table and the plot, kept for --resume
    manager = run.manager(trainees, (args.iteration, 'iteration'),
                          log_every=(min(LOG_EVERY, args.iteration), 'iteration'),
                          columns=[f'{name}/loss' for name in trainees],
                          extra_extensions=[every_loss])
    for iteration in manager:
        # with replacement, like the book's np.random.choice(train_size, batch_size)
        batch = np.random.randint(0, len(x_train), args.batchsize)
        x, t = run.device.send(x_train[batch]), run.device.send(t_train[batch])
        for optimizer in trainees.values():
            model = optimizer.target
            loss = F.softmax_cross_entropy(model(x), t)
            if iteration == 1:  # the table's first row: the untrained net
                chainer.report({'initial_loss': loss}, model)
            steps.update(optimizer, loss)
            with chainer.no_backprop_mode():  # as the book: this minibatch, just after the update
                chainer.report({'loss': F.softmax_cross_entropy(model(x), t)}, model)

    # 3: results and plots
    losses = {name: [every_loss.log[0][f'{name}/initial_loss']] +
              [record[f'{name}/loss'] for record in every_loss.log] for name in trainees}
    at = [round(k * args.iteration / 4) for k in range(5)]  # 0, 1/4, ..., all iterations
    # One minibatch's loss jumps by tens of percent; a mean of LOSS_WINDOW of them is steady.
    table = {name: [float(np.mean(curve[max(0, step - LOSS_WINDOW + 1):step + 1])) for step in at]
             for name, curve in losses.items()}
    print(f'training loss (mean of the last {LOSS_WINDOW} minibatch losses)')
    print('iteration' + ''.join(f'{name:>12s}' for name in table))
    for row, step in enumerate(at):
        print(f'{step:9d}' + ''.join(f'{values[row]:12.4f}' for values in table.values()))
    plot_paths(run.path('paths.png'), paths)
    # The plot shows the table's numbers at every iteration: the mean of the last
    # LOSS_WINDOW minibatch losses (fewer at the start), so it starts at the untrained loss.
    plots.plot_curves(run.path('mnist_loss.png'),
                      {name: (np.arange(len(curve)), plots.smooth_curve(curve, LOSS_WINDOW))
                       for name, curve in losses.items()},
                      title='MNIST, 784-100x4-10 ReLU net: training loss\n(each point: the mean '
                            f'of the last {LOSS_WINDOW} minibatch losses, as in the table)',
                      xlabel='iteration', ylabel='softmax cross-entropy')
    return run.save_metrics({
        'path_end': {BOOK_NAMES.get(name, name): end[-1].tolist() for name, end in paths.items()},
        'checkpoints': at, 'loss_table': table,
        **{f'final_loss_{name}': values[-1] for name, values in table.items()},
        'sgd_minus_highest_other_final_loss': sgd_margin(table)})


def sgd_margin(table):
    """SGD's final loss minus the highest of the others' (> 0: SGD ends last, as in the book)."""
    finals = {name: values[-1] for name, values in table.items()}
    others = [loss for name, loss in finals.items() if name != 'SGD']
    return finals['SGD'] - max(others) if 'SGD' in finals and others else None


def bowl(x, y):
    return x ** 2 / 20 + y ** 2


def descend(optimizer, start=START, n_steps=PATH_STEPS):
    """The (n_steps + 1, 2) positions of *optimizer* walking down the bowl from *start*."""
    point = chainer.Link()
    with point.init_scope():
        point.xy = chainer.Parameter(np.array(start, dtype=np.float64))
    optimizer.setup(point)
    path = [point.xy.array.copy()]
    for _ in range(n_steps):
        steps.update(optimizer, bowl(point.xy[0], point.xy[1]))
        path.append(point.xy.array.copy())
    return np.array(path)


def book_paths():
    """Each of the book's four optimizers (Chainer class name) -> its path."""
    return {name: descend(optimizers.create(name, lr)) for name, lr in PATH_LR.items()}


def path_title(class_name):
    return f'{BOOK_NAMES.get(class_name, class_name)} (lr {PATH_LR[class_name]:g})'


def plot_paths(path, paths):
    """The book's 2x2 figure: each path over the contour lines of f, on one range that
    holds every path and the minimum (the book's -10..10 square leaves them a thin band)."""
    points = np.concatenate([*paths.values(), [[0.0, 0.0]]])
    low, high = np.floor(points.min(axis=0)) - 1, np.ceil(points.max(axis=0)) + 1
    x, y = np.meshgrid(np.linspace(low[0], high[0], 400), np.linspace(low[1], high[1], 200))
    figure, axes = plt.subplots(2, 2, figsize=(10, 6.5), layout='constrained')
    for axis, (name, points) in zip(axes.flat, paths.items()):
        axis.contour(x, y, bowl(x, y), levels=CONTOUR_LEVELS, linewidths=0.8)
        axis.plot(*points.T, 'o-', color='red', markersize=4, label=f'{PATH_STEPS} steps')
        axis.plot(0, 0, '+', color='black', markersize=12, label='minimum (0, 0)')
        axis.set(xlim=(low[0], high[0]), ylim=(low[1], high[1]), aspect='equal',
                 xlabel='x', ylabel='y', title=path_title(name))
        axis.legend(loc='lower right', fontsize=8)
    figure.suptitle('Paths down f(x, y) = x²/20 + y² from (-7, 2); contours at f = '
                    + ', '.join(f'{level:g}' for level in CONTOUR_LEVELS))
    plots.save_figure(figure, path)


def describe(optimizer):
    """``MomentumSGD, lr 0.01``: the class and its learning rate, if it has one."""
    lr_name = optimizers.learning_rate_name(type(optimizer).__name__)
    lr_text = f', {lr_name} {getattr(optimizer, lr_name):g}' if lr_name else ''
    return type(optimizer).__name__ + lr_text


if __name__ == '__main__':
    cli.run_main(main)
