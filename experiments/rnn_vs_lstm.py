"""Why LSTMs remember (udacity-dl-overview: RNN, LSTM): the adding problem
(Hochreiter & Schmidhuber 1997; Le et al. 2015) at several sequence lengths T.

Each sequence is T steps of (a value from U(0, 1), a marker); two steps are
marked, and the target is the sum of their values (answering 1 every time
gives MSE 2/12 = 0.167).  At every T a plain tanh RNN (``TanhRNN``, two
``L.Linear``) and an ``L.LSTM`` of the same size train side by side on the
same batches, with the same optimizer and number of updates.  Then the test
MSE at each T, and at the longest T the gradient of the loss with respect to
each step's input, dL/dx_t, before and after training::

    netlib run rnn_vs_lstm
    netlib run rnn_vs_lstm --lengths 10,50 --iteration 300
"""

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import argparse

import chainer
import chainer.functions as F
import numpy as np

from netlib import cli, optimizers, plots
from netlib.cli import flags
from netlib.cli.memory import refuse_unless_fits
from netlib.cli.wording import counted
from netlib import steps
from netlib.datasets.adding import BASELINE_MSE, adding_problem
from netlib.training.runs import Run
from netlib.links.recurrent import CELLS, SequenceRegressor

DEFAULTS = dict(
    iteration=500,        # updates of every net, each on a fresh batch
    batchsize=128,
    unit=64,              # hidden units of both cells
    optimizer='adam',
    lr=0.01,
    grad_clip=1.0,        # an RNN's gradient can explode as well as vanish
    test_size=1000,       # held-out sequences at each T
    frequency=200,        # snapshot every this many iterations
    out='runs/rnn_vs_lstm',
)
NAMES = {'rnn': 'tanh RNN', 'lstm': 'LSTM'}
GRADIENT_BATCH = 100  # test sequences dL/dx_t is measured on


def lengths(text):
    values = sorted({flags.positive_int(part) for part in text.split(',') if part.strip()})
    if not values or values[0] < 2:
        raise argparse.ArgumentTypeError(f'needs sequence lengths of at least 2, got {text!r}')
    if values[-1] > flags.MAX_SEED:  # with --seed, each T seeds its test set's stream
        raise argparse.ArgumentTypeError(f'needs sequence lengths of at most 2**32 - 1, got '
                                         f'{text!r}')
    return values


def sequences_bytes(args):
    """Per step of every T: its test sequences (float32 values, markers and their stack) and
    one batch through both cells, kept for the backward pass (float32, about 8 gates' worth
    of each hidden unit forward and as much backward)."""
    return sum(args.lengths) * (16 * args.test_size + 64 * args.batchsize * args.unit)


def add_flags(group):
    group.add_argument('--lengths', type=lengths, default=lengths('10,25,50,100'),
                       help='sequence lengths T, comma-separated: one RNN and one LSTM each')


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    refuse_unless_fits(sequences_bytes(args), f'--lengths {",".join(map(str, args.lengths))} '
                                              f'with --batchsize, --unit and --test-size')
    run = Run(args)

    # 0: load data: a fixed test set per T, its own stream; training batches are drawn fresh
    tests = {T: adding_problem(args.test_size, T, np.random.RandomState([args.seed, T]))
             for T in args.lengths}
    longest = args.lengths[-1]

    # 1: settings: an RNN and an LSTM per T, the same optimizer for each
    models, trainers, labels = {}, {}, {}
    for T in args.lengths:
        for kind in CELLS:
            name = f'{kind}_T{T}'
            labels[name] = f'{NAMES[kind]}, T = {T}'
            models[name] = SequenceRegressor(kind, 2, args.unit).to_device(run.device)
            trainers[name] = optimizers.setup(
                optimizers.create(args.optimizer, args.lr, args.optimizer_arg),
                models[name], args.weight_decay, args.grad_clip)
    probe = tests[longest][0][:GRADIENT_BATCH], tests[longest][1][:GRADIENT_BATCH]
    norms_init = {kind: input_gradients(models[f'{kind}_T{longest}'], probe, run.device)
                  for kind in CELLS}
    print(f'adding problem, T = {args.lengths}: {args.unit}-unit RNN and LSTM, '
          f'{counted(args.iteration, "update")} of {args.batchsize} each')

    # 2: training: every net one update per iteration; both cells at a T see the same batch
    manager = run.manager(trainers, (args.iteration, 'iteration'),
                          log_every=(max(1, args.iteration // 10), 'iteration'),
                          columns=[f'{name}/loss' for name in models],
                          plot=plots.LogPlot('Adding problem', labels, 'mean squared error'))
    for _ in manager:
        for T in args.lengths:
            x, t = run.device.send(adding_problem(args.batchsize, T))
            for kind in CELLS:
                model = models[f'{kind}_T{T}']
                loss = F.mean_squared_error(model(x), t)
                steps.update(trainers[f'{kind}_T{T}'], loss)
                chainer.report({'loss': loss}, model)

    # 3: results and plots
    metrics, norms = result_metrics(run, args, models, tests, probe, norms_init)
    print_and_plot(run, args, metrics, norms_init, norms)
    return run.save_metrics(metrics)


def result_metrics(run, args, models, tests, probe, norms_init):
    """``(metrics, norms)``: each net's test MSE, and the input gradients at T = longest
    before and after training, with the ratio of the first step's to the last's."""
    longest = args.lengths[-1]
    metrics = {'baseline_mse': BASELINE_MSE, 'lengths': args.lengths}
    for name, model in models.items():
        x, t = run.device.send(tests[int(name.split('_T')[1])])
        with chainer.no_backprop_mode(), chainer.using_config('train', False):
            metrics[f'{name}_test_mse'] = float(F.mean_squared_error(model(x), t).array)
    norms = {kind: input_gradients(models[f'{kind}_T{longest}'], probe, run.device)
             for kind in CELLS}
    for kind in CELLS:
        metrics[f'{kind}_grad_ratio_init'] = norms_init[kind][0] / norms_init[kind][-1]
        metrics[f'{kind}_grad_ratio'] = norms[kind][0] / norms[kind][-1]
        metrics[f'{kind}_grad_norms_init'], metrics[f'{kind}_grad_norms'] = \
            norms_init[kind], norms[kind]
    for T in args.lengths:  # short names for the registry: the shortest and the longest T
        for kind in CELLS:
            if T in (args.lengths[0], longest):
                which = 'short' if T == args.lengths[0] else 'long'
                metrics[f'{kind}_{which}_test_mse'] = metrics[f'{kind}_T{T}_test_mse']
    return metrics, norms


def print_and_plot(run, args, metrics, norms_init, norms):
    """The test MSE per T and the gradient ratios printed; MSE against T and the
    gradient per input step plotted."""
    longest = args.lengths[-1]
    print(f'test MSE ({counted(args.test_size, "sequence")}; answering 1 gives '
          f'{BASELINE_MSE:.3f})')
    print('     T' + ''.join(f'{NAMES[kind]:>12s}' for kind in CELLS))
    for T in args.lengths:
        print(f'{T:6d}' + ''.join(f'{metrics[f"{kind}_T{T}_test_mse"]:12.5f}' for kind in CELLS))
    print(f'T = {longest}: |dL/dx_1| / |dL/dx_T|, before -> after training: ' + ', '.join(
        f'{NAMES[kind]} {metrics[f"{kind}_grad_ratio_init"]:.2e} -> '
        f'{metrics[f"{kind}_grad_ratio"]:.2e}' for kind in CELLS))
    plots.plot_curves(run.path('mse_vs_length.png'), {
        **{NAMES[kind]: (args.lengths, [metrics[f'{kind}_T{T}_test_mse'] for T in args.lengths])
           for kind in CELLS},
        f'answer 1 always ({BASELINE_MSE:.3f})': (args.lengths,
                                                   [BASELINE_MSE] * len(args.lengths))},
        title=f'Adding problem: test MSE after {counted(args.iteration, "update")}',
        xlabel='sequence length T', ylabel='test MSE', log_scale=True)
    plots.plot_panels(run.path('gradient_vs_step.png'), {
        stage: {NAMES[kind]: (range(1, longest + 1), values[kind]) for kind in CELLS}
        for stage, values in (('at initialisation', norms_init),
                              (f'after {counted(args.iteration, "update")}', norms))},
        title=f'Gradient of the loss w.r.t. each input step, T = {longest} '
              f'({GRADIENT_BATCH} test sequences)',
        xlabel='time step t', ylabel='|dL/dx_t|', log_scale=True)

def input_gradients(model, batch, device):
    """|dL/dx_t| for t = 1..T over *batch*: how much each step's input moves the loss."""
    x = chainer.Variable(device.send(batch[0]))
    loss = F.mean_squared_error(model(x), device.send(batch[1]))
    model.cleargrads()
    loss.backward()
    model.cleargrads()
    return [float(value) for value in model.xp.sqrt((x.grad ** 2).sum(axis=(0, 2)))]


if __name__ == '__main__':
    cli.run_main(main)
