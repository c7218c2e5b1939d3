"""Deep Learning from Scratch, chapter 6: SGD, Momentum, AdaGrad and Adam compared.

Part 1 (the book's ``optimizer_compare_naive.py``): each optimizer walks 30
steps down f(x, y) = x**2 / 20 + y**2 from (-7, 2), a bowl 20 times steeper
in y than in x.  The point (x, y) is a Chainer ``Parameter``, its gradient
comes from ``backward()``, and the step is Chainer's own optimizer, with the
book's learning rates (SGD 0.95, Momentum 0.1, AdaGrad 1.5, Adam 0.3).
SGD zig-zags in y while creeping in x; Momentum rolls like a ball; AdaGrad
damps the steep y direction first; Adam combines the two.

Chainer's update rules are the book's hand-written ones: Momentum
v = 0.9 v - lr g; AdaGrad h += g*g, step lr g / (sqrt(h) + eps); Adam with the
book's folded bias correction lr_t = lr sqrt(1 - beta2**t) / (1 - beta1**t)
and eps added to sqrt(v) of the *uncorrected* v (the Adam paper adds it to
sqrt of the corrected v).  Only eps differs: 1e-8 in Chainer, 1e-7 in the
book, which moves these paths by at most 1e-5.

Part 2 (``optimizer_compare_mnist.py``): each optimizer trains a
784-100-100-100-100-10 ReLU net with He initialisation on MNIST, minibatches
of 128, 2000 iterations, with the book's learning rates (SGD, Momentum,
AdaGrad 0.01, Adam 0.001; any other optimizer named in ``--optimizers`` at
Chainer's default).  Unlike the book, every optimizer starts from the same
initial weights, so the only difference left is the update rule.  As in
the book, each loss is measured on a minibatch just after the update on it;
the book prints single minibatches every 100 iterations, the table here the
mean of the last 20 at five checkpoints.  The book ends near SGD 0.23,
Momentum 0.06, AdaGrad 0.02, Adam 0.04.
"""

import copy
import time

import chainer
import chainer.functions as F
import numpy as np

from netlib import cli, optimizers, plots, runs, steps
from netlib.datasets.mnist import load_mnist
from netlib.device import get_device, to_numpy
from netlib.errors import UsageError
from netlib.networks import MLP
from netlib.plots import plt
from netlib.seed import set_seed

START = (-7.0, 2.0)
PATH_STEPS = 30
# Part 1: the book's learning rates for this bowl, by Chainer class name.
PATH_LR = {'SGD': 0.95, 'MomentumSGD': 0.1, 'AdaGrad': 1.5, 'Adam': 0.3}
# Part 2: the book's learning rates (Chainer's AdaGrad default is 0.001).
MNIST_LR = {'SGD': 0.01, 'MomentumSGD': 0.01, 'AdaGrad': 0.01, 'Adam': 0.001}
BOOK_NAMES = {'SGD': 'SGD', 'MomentumSGD': 'Momentum', 'AdaGrad': 'AdaGrad', 'Adam': 'Adam'}
UNITS = (784, 100, 100, 100, 100, 10)
CHECKPOINTS = 5  # table rows: iterations 0, 1/4, 1/2, 3/4 and all of --iterations
LOSS_WINDOW = 20  # a table entry averages this many minibatch losses
SMOOTHING_WINDOW = 11  # the book's smooth_curve


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--optimizers', default='sgd,momentum,adagrad,adam',
                        help='comma-separated optimizers for the MNIST part: any in '
                             'chainer.optimizers by alias or class name, e.g. '
                             'sgd,momentum,nesterov,adagrad,rmsprop,adadelta,adam')
    parser.add_argument('--iterations', type=cli.positive_int, default=2000,
                        help='minibatch updates per optimizer')
    parser.add_argument('--batchsize', '-b', type=cli.positive_int, default=128,
                        help='images per minibatch, drawn with replacement as in the book')
    parser.add_argument('--data-dir', default=None,
                        help='folder with mnist/; when not given, $NETLIB_DATA_DIR, '
                             'else a per-user cache')
    cli.add_run_arguments(parser, out_default='runs/optimizer_compare')
    args = parser.parse_args(argv)
    args.optimizers = parse_optimizer_list(args.optimizers)
    return args


def parse_optimizer_list(text):
    """``'sgd,adam'`` -> ``['SGD', 'Adam']``; an unknown or repeated name is a UsageError."""
    names = [optimizers.resolve(name) for name in text.split(',')]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise UsageError(f'--optimizers names {", ".join(repeated)} more than once')
    return names


def label(class_name):
    return BOOK_NAMES.get(class_name, class_name)


# ---- part 1: paths on f(x, y) = x**2 / 20 + y**2 ----

def bowl(x, y):
    return x ** 2 / 20 + y ** 2


class Point(chainer.Link):
    """The two coordinates (x, y) as one Parameter, so an optimizer can move them."""

    def __init__(self, start):
        super().__init__()
        with self.init_scope():
            self.xy = chainer.Parameter(np.array(start, dtype=np.float64))


def descend(optimizer, start=START, n_steps=PATH_STEPS):
    """The (n_steps + 1, 2) positions of *optimizer* walking down the bowl from *start*."""
    point = Point(start)
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
    return f'{label(class_name)} (lr {PATH_LR[class_name]:g})'


def print_path_ends(paths):
    print(f'part 1: {PATH_STEPS} steps on f(x, y) = x**2/20 + y**2 from {START}')
    for name, path in paths.items():
        x, y = path[-1]
        print(f'  {path_title(name):18s} ends at ({x:+.5f}, {y:+.5f}), f = {bowl(x, y):.3g}')


def plot_paths(path, paths):
    """The book's 2x2 figure: each path over the contour lines of f."""
    x, y = np.meshgrid(np.arange(-10, 10, 0.01), np.arange(-5, 5, 0.01))
    z = bowl(x, y)
    z[z > 7] = 0  # the book's trick: fewer, simpler contour lines
    figure, axes = plt.subplots(2, 2, figsize=(10, 8))
    for axis, (name, points) in zip(axes.flat, paths.items()):
        axis.contour(x, y, z)
        axis.plot(points[:, 0], points[:, 1], 'o-', color='red', markersize=4,
                  label=f'{len(points) - 1} steps')
        axis.plot(0, 0, '+', color='black', markersize=12, label='minimum (0, 0)')
        axis.set(xlim=(-10, 10), ylim=(-10, 10), xlabel='x', ylabel='y',
                 title=path_title(name))
        axis.legend(loc='lower right', fontsize=8)
    figure.suptitle('Paths down f(x, y) = x²/20 + y² from (-7, 2)')
    figure.tight_layout()
    plots.save_figure(figure, path)


# ---- part 2: MNIST ----

def make_trainees(class_names, device):
    """One He-initialised net per optimizer, all with the same initial weights."""
    base = MLP(UNITS, 'relu', initialW=chainer.initializers.HeNormal())
    trainees = {}
    for name in class_names:
        model = copy.deepcopy(base)
        model.to_device(device)
        lr = MNIST_LR.get(name)  # None: Chainer's default
        trainees[label(name)] = optimizers.setup(optimizers.create(name, lr), model)
    return trainees


def print_trainees(trainees, args):
    print(f'part 2: MNIST, {"-".join(map(str, UNITS))} ReLU net (He init), minibatches of '
          f'{args.batchsize}, {args.iterations} iterations')
    for name, optimizer in trainees.items():
        class_name = type(optimizer).__name__
        lr_name = optimizers.learning_rate_name(class_name)
        lr_text = f', {lr_name} {getattr(optimizer, lr_name):g}' if lr_name else ''
        print(f'  {name}: {class_name}{lr_text}')


def train_mnist(trainees, x_train, t_train, args, device):
    """Losses ``{label: [loss after 0, 1, ..., iterations updates]}``.

    A hand loop rather than a Trainer: as in the book, every optimizer sees the
    SAME random minibatch at each iteration, so their curves differ only by
    the update rule.  As in the book, the loss after update k is measured on
    the minibatch of update k, just after it; entry 0 is the loss of the
    untrained net on the first minibatch.
    """
    losses = {name: [] for name in trainees}
    for iteration in range(args.iterations):
        # with replacement, as the book's np.random.choice(train_size, batch_size)
        batch = np.random.randint(0, len(x_train), args.batchsize)
        x, t = device.send(x_train[batch]), device.send(t_train[batch])
        for name, optimizer in trainees.items():
            loss = minibatch_loss(optimizer.target, x, t)
            if iteration == 0:
                losses[name].append(float(to_numpy(loss)))
            steps.update(optimizer, loss)
            with chainer.no_backprop_mode():
                losses[name].append(float(to_numpy(minibatch_loss(optimizer.target, x, t))))
    return losses


def minibatch_loss(model, x, t):
    return steps.loss(model(x), t, F.softmax_cross_entropy)


def smooth_curve(values):
    """The book's smoothing: an 11-point Kaiser window, the ends mirrored."""
    values = np.asarray(values)
    if len(values) < SMOOTHING_WINDOW:
        return values
    width, half = SMOOTHING_WINDOW, SMOOTHING_WINDOW // 2
    padded = np.r_[values[width - 1:0:-1], values, values[-1:-width:-1]]
    window = np.kaiser(width, 2)
    smoothed = np.convolve(padded, window / window.sum(), mode='valid')
    return smoothed[half:len(smoothed) - half]


def checkpoints(iterations):
    return [round(k * iterations / (CHECKPOINTS - 1)) for k in range(CHECKPOINTS)]


def loss_table(losses, at):
    """``{label: [loss at each iteration in *at*]}``: the mean of the last LOSS_WINDOW.

    One minibatch's loss jumps by tens of percent from one iteration to the
    next; the mean of the last 20 is steady.  At iteration 0 it is the one
    loss of the untrained net.
    """
    return {name: [float(np.mean(curve[max(0, step - LOSS_WINDOW + 1):step + 1]))
                   for step in at]
            for name, curve in losses.items()}


def print_loss_table(table, at):
    print(f'training loss (mean of the last {LOSS_WINDOW} minibatch losses)')
    print('iteration' + ''.join(f'{name:>12s}' for name in table))
    for row, step in enumerate(at):
        print(f'{step:9d}' + ''.join(f'{values[row]:12.4f}' for values in table.values()))


def plot_losses(path, losses):
    curves = {name: (np.arange(len(curve)), smooth_curve(curve))
              for name, curve in losses.items()}
    plots.plot_curves(path, curves, title='MNIST, 784-100x4-10 ReLU net: training loss',
                      xlabel='iteration', ylabel='softmax cross-entropy (smoothed)')


def main(argv=None):
    args = parse_args(argv)
    device = get_device(args.device)
    x_train, t_train = load_mnist(args.data_dir, 'train')
    out = runs.prepare(args.out)  # after the data loaded: a missing file leaves no run folder
    runs.save_args(out, args)

    paths = book_paths()
    print_path_ends(paths)
    plot_paths(out / 'paths.png', paths)

    set_seed(args.seed)
    trainees = make_trainees(args.optimizers, device)
    print_trainees(trainees, args)
    started = time.perf_counter()
    losses = train_mnist(trainees, x_train, t_train, args, device)
    print(f'trained {len(trainees)} nets for {args.iterations} iterations in '
          f'{time.perf_counter() - started:.1f} s')
    at = checkpoints(args.iterations)
    table = loss_table(losses, at)
    print_loss_table(table, at)
    plot_losses(out / 'mnist_loss.png', losses)

    metrics = {'path_end': {label(name): path[-1].tolist() for name, path in paths.items()},
               'checkpoints': at, 'loss_table': table}
    metrics.update({f'final_loss_{name}': values[-1] for name, values in table.items()})
    runs.save_metrics(out, metrics)
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
