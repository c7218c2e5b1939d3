"""Vanishing gradients (udacity-dl-overview): sigmoid's and ReLU's derivatives by autograd,
then one deep MLP per activation (10 hidden layers of 100; SGD lr 0.01, 1000 updates on
mini-batches of 100 from 2000 MNIST images), each from the initial weights the literature
pairs with its activation, trained side by side: each layer's weight gradient before and
after training, the loss, the test accuracy::

    netlib run vanishing_gradient
    netlib run vanishing_gradient --activation sigmoid,relu --iteration 500
    netlib run vanishing_gradient --init xavier   # every net from std sqrt(1/n)
"""

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer
import chainer.functions as F
import numpy as np
from chainer import initializers

from netlib import cli, MLP, plots
from netlib.cli import flags
from netlib.cli.wording import counted
from netlib.datasets.mnist import load_mnist
from netlib.evaluation import evaluate, gradients
from netlib.iterators import random_batch
from netlib.links.mlp import mnist_mlp_sizes
from netlib import steps
from netlib.training import comparison
from netlib.training.extensions import every_iteration
from netlib.training.runs import Run

DEFAULTS = dict(
    activation=('sigmoid', 'relu', 'tanh'),  # one net each
    hidden_layers=10,
    unit=100,
    iteration=1000,       # updates of each net, each on a random mini-batch
    batchsize=100,        # the first batch also measures the gradients
    frequency=250,        # snapshot every this many iterations
    optimizer='sgd',      # lr 0.01, as the book's ch06/weight_init_compare.py trains He relu nets
    data_dir=None,
    train_size=2000,
    test_size=2000,
    out='runs/vanishing_gradient',
)
# The initialisation the literature pairs with each activation: Glorot & Bengio (2010) and
# the book's "Xavier", std sqrt(1/n), for the symmetric ones; He et al. (2015), std sqrt(2/n),
# for the rectifiers, whose units are off half of the time (with sqrt(1/n) a relu net's
# signal halves in variance at every layer).  Both scale the same N(0, 1) draws.
INITIALIZERS = {'xavier': initializers.LeCunNormal(), 'he': initializers.HeNormal()}
PAIRED = {'relu': 'he', 'leaky_relu': 'he', 'elu': 'he'}  # the others: xavier


def add_flags(group):
    group.add_argument('--init', choices=('paired', *INITIALIZERS), default='paired',
                       help="initial weights: each activation's own from the literature "
                            '(paired: He for relu, leaky_relu and elu, Xavier std sqrt(1/n) '
                            'for the others), or the same for every net')


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    run = Run(args)

    # 0: load data
    x, t = run.device.send(load_mnist(args.data_dir, 'train', limit=args.train_size))
    test = run.device.send(load_mnist(args.data_dir, 'test', limit=args.test_size))
    probe = x[:args.batchsize], t[:args.batchsize]  # the batch the gradients are measured on

    # 1: settings: the same batches and initial draws for every activation, scaled by --init
    maxima = plot_derivatives(run.path('derivatives.png'))
    print(f"max sigmoid'(x) = {maxima['sigmoid']!r} (the post: 1/4), "
          f"max relu'(x) = {maxima['relu']!r}")
    inits = {name: PAIRED.get(name, 'xavier') if args.init == 'paired' else args.init
             for name in args.activation}
    models, trainers, streams = comparison.compared_nets(args.activation, lambda name: MLP(
        mnist_mlp_sizes(args), name, INITIALIZERS[inits[name]]), args, run.device)
    print('initial weights: ' + ', '.join(f'{name} {init}' for name, init in inits.items()))
    norms_init = gradient_norms(models, probe)

    # 2: training, logged 10 times (the points of loss.png)
    history = every_iteration()
    manager = run.manager(trainers, (args.iteration, 'iteration'),
                          log_every=(max(1, args.iteration // 10), 'iteration'),
                          columns=[f'{name}/loss' for name in models],
                          plot=plots.LogPlot(f'{args.hidden_layers} hidden layers of {args.unit}',
                                             labels={name: f'{name} ({init})'
                                                     for name, init in inits.items()}),
                          extra_extensions=[streams, history])
    for _ in manager:
        for name, model in models.items():
            with streams.use(name):  # the batch this net would draw trained alone
                batch = random_batch(len(x), args.batchsize, model.xp)
            steps.update(trainers[name], model(x[batch], t[batch]))

    # 3: results
    norms_trained = gradient_norms(models, probe)
    stages = {'at initialisation': norms_init,
              f'after {counted(args.iteration, "iteration")}': norms_trained}
    panels = {stage: {f'{name} ({inits[name]})': (range(1, len(layers) + 1), layers)
                      for name, layers in norms.items()} for stage, norms in stages.items()}
    plots.plot_panels(run.path('gradient_norms.png'), panels,
                      title='Weight-gradient norm per layer (layer 1 is next to the input)',
                      xlabel='layer', ylabel='||dL/dW||', log_scale=True)
    metrics = {f'{name}_derivative_max': value for name, value in maxima.items()}
    metrics.update(per_net_metrics(models, history.log, norms_init, norms_trained, test))
    return run.save_metrics(metrics)


def per_net_metrics(models, log, norms_init, norms_trained, test):
    """Each net's gradient ratios, first and final loss, test accuracy, printed."""
    print('\nfirst-layer / last-layer (output layer) gradient norm; below 1e-2: vanished '
          '(undefined, null in metrics.json, when no gradient reaches the output layer)')
    metrics = {}
    for name, model in models.items():
        losses = [record[f'{name}/loss'] for record in log]
        last_tenth = max(1, len(losses) // 10)  # a mean: one batch's loss is noisy
        metrics.update({f'{name}_grad_ratio': ratio(norms_init[name]),
                        f'{name}_grad_ratio_trained': ratio(norms_trained[name]),
                        f'{name}_first_loss': losses[0],  # before any update
                        f'{name}_final_loss': float(np.mean(losses[-last_tenth:])),
                        f'{name}_test_accuracy': evaluate(model, *test)['accuracy'],
                        f'{name}_grad_norms_init': norms_init[name],
                        f'{name}_grad_norms_trained': norms_trained[name]})
        print(f'{name:>10s}: {show(metrics[f"{name}_grad_ratio"])} at initialisation, '
              f'{show(metrics[f"{name}_grad_ratio_trained"])} after training; loss '
              f'{losses[0]:.3f} on the first batch, {metrics[f"{name}_final_loss"]:.3f} over '
              f'the last 10 % of iterations; test accuracy '
              f'{metrics[f"{name}_test_accuracy"]:.3f}')
    return metrics


def plot_derivatives(path):
    """Sigmoid and ReLU with their derivatives by back-propagation, plotted; the maxima."""
    xs = np.linspace(-5, 5, 1001, dtype=np.float32)  # holds 0, where sigmoid' peaks
    panels, maxima = {}, {}
    for name in ('sigmoid', 'relu'):
        x = chainer.Variable(xs)
        y = steps.activation_function(name)(x)
        F.sum(y).backward()  # d sum(h(x)) / dx_i = h'(x_i): the whole curve in one pass
        maxima[name] = float(x.grad.max())
        panels[f"{name}: max h'(x) = {maxima[name]:g}"] = {
            'h(x)': (xs, y.array), "h'(x), by autograd": (xs, x.grad)}
    plots.plot_panels(path, panels, sharey=False, xlabel='x', ylabel='value',
                      title="Activation h and its derivative h' (back-propagation "
                            "multiplies by h' once per layer)")
    return maxima


def gradient_norms(models, batch):
    """Each net's weight-gradient norm per layer on *batch*; the weights stay as they are."""
    return {name: gradients.gradient_norms_on_batch(model, model.predictor, *batch)
            for name, model in models.items()}


def ratio(norms):
    """First-layer / last-layer gradient norm; None (strict JSON) when the last is 0:
    a dead net (e.g. ``--unit 1`` with relu) gives its output layer no gradient."""
    return norms[0] / norms[-1] if norms[-1] > 0 else None


def show(value):
    return 'undefined (output-layer gradient is 0)' if value is None else f'{value:.2e}'


if __name__ == '__main__':
    cli.run_main(main)
