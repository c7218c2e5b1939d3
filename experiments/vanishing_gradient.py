"""Vanishing gradients (udacity-dl-overview): sigmoid's and ReLU's derivatives by autograd,
then one deep MLP per activation trained side by side, each layer's gradient measured::

    netlib run vanishing_gradient --activation sigmoid,relu --iteration 500
"""

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer
import chainer.functions as F
import numpy as np

from netlib import MLP, cli, flags, loop, plots, probes, steps
from netlib.datasets.mnist import load_mnist
from netlib.evaluation import evaluate
from netlib.runs import Run

DEFAULTS = dict(
    activation=('sigmoid', 'relu', 'tanh'),  # one net each
    hidden_layers=10,
    unit=100,
    iteration=1000,       # updates of each net, each on a random mini-batch
    batchsize=100,        # the first batch also measures the gradients
    frequency=250,        # snapshot every this many iterations
    optimizer='sgd',
    data_dir=None,
    train_size=2000,
    test_size=2000,
    out='runs/vanishing_gradient',
)


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS)
    run = Run(args)

    # 0: load data
    x, t = run.device.send(load_mnist(args.data_dir, 'train', limit=args.train_size))
    test = run.device.send(load_mnist(args.data_dir, 'test', limit=args.test_size))
    probe = x[:args.batchsize], t[:args.batchsize]  # the batch the gradients are measured on

    # 1: settings: the same initial weights (LeCunNormal) and batches for every activation
    maxima = plot_derivatives(run.path('derivatives.png'))
    print(f"max sigmoid'(x) = {maxima['sigmoid']!r} (the post: 1/4), "
          f"max relu'(x) = {maxima['relu']!r}")
    models, trainers, streams = probes.compared_nets(
        args.activation, lambda name: MLP(probes.mnist_mlp_sizes(args), name), args, run.device)
    norms_init = gradient_norms(models, probe)

    # 2: training, logged 10 times (the points of loss.png)
    history = loop.every_iteration()
    manager = run.manager(trainers, (args.iteration, 'iteration'),
                          log_every=(max(1, args.iteration // 10), 'iteration'),
                          columns=[f'{name}/loss' for name in models],
                          plot=f'{args.hidden_layers} hidden layers of {args.unit}',
                          extra_extensions=[streams, history])
    for _ in manager:
        for name, model in models.items():
            with streams.use(name):  # the batch this net would draw trained alone
                batch = probes.random_batch(len(x), args.batchsize, model.xp)
            steps.update(trainers[name], model(x[batch], t[batch]))

    # 3: results
    norms_trained = gradient_norms(models, probe)
    stages = {'at initialisation': norms_init, f'after {args.iteration} iterations': norms_trained}
    panels = {stage: {name: (range(1, len(layers) + 1), layers) for name, layers in norms.items()}
              for stage, norms in stages.items()}
    plots.plot_panels(run.path('gradient_norms.png'), panels,
                      title='Weight-gradient norm per layer (layer 1 is next to the input)',
                      xlabel='layer', ylabel='||dL/dW||', log_scale=True)
    print('\nfirst-layer / last-layer (output layer) gradient norm; below 1e-2: vanished '
          '(undefined, null in metrics.json, when no gradient reaches the output layer)')
    metrics = {f'{name}_derivative_max': value for name, value in maxima.items()}
    for name, model in models.items():
        losses = [record[f'{name}/loss'] for record in history.log]
        last_tenth = max(1, len(losses) // 10)  # a mean: one batch's loss is noisy
        metrics.update({f'{name}_grad_ratio': ratio(norms_init[name]),
                        f'{name}_grad_ratio_trained': ratio(norms_trained[name]),
                        f'{name}_final_loss': float(np.mean(losses[-last_tenth:])),
                        f'{name}_test_accuracy': evaluate(model, *test)['accuracy'],
                        f'{name}_grad_norms_init': norms_init[name],
                        f'{name}_grad_norms_trained': norms_trained[name]})
        print(f'{name:>10s}: {show(metrics[f"{name}_grad_ratio"])} at initialisation, '
              f'{show(metrics[f"{name}_grad_ratio_trained"])} after training; loss '
              f'{metrics[f"{name}_final_loss"]:.3f} (last 10 % of iterations), '
              f'test accuracy {metrics[f"{name}_test_accuracy"]:.3f}')
    return run.save_metrics(metrics)


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
    return {name: probes.gradient_norms_on_batch(model, model.predictor, *batch)
            for name, model in models.items()}


def ratio(norms):
    """First-layer / last-layer gradient norm; None (strict JSON) when the last is 0:
    a dead net (e.g. ``--unit 1`` with relu) gives its output layer no gradient."""
    return norms[0] / norms[-1] if norms[-1] > 0 else None


def show(value):
    return 'undefined (output-layer gradient is 0)' if value is None else f'{value:.2e}'


if __name__ == '__main__':
    cli.run_main(main)
