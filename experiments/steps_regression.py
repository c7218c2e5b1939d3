"""The case-k post, step by step: a 3 -> 2 -> 1 ReLU net regressing x=[1,2,3] onto t=3.

STEP 1 linear (u = W x + b), STEP 2 nonlinear (z = relu(u)), STEP 3 predict
(y = W2 z + b2), STEP 4 loss (mean squared error); STEP 5 update, with
``--epoch N``, trains with any Chainer optimizer (``--optimizer``)::

    netlib run steps_regression                    # the post's final code block
    netlib run steps_regression --replay-blog      # the values the post printed
    netlib run steps_regression --epoch 100 --optimizer adam --lr 0.01

The default run is the post's final code block ("全体の流れ"): after
``np.random.seed(3)`` the two ``L.Linear`` layers draw their weights from
NumPy's global stream.

``--replay-blog`` replays the notebook cell order behind the numbers the post
*printed*: every ``L.Linear`` draws its initial W from the one seeded stream
(LeCunNormal: 6 normal draws for a 3x2 layer, 2 for a 2x1 layer), so a cell
run again moves every later draw.  Trying every order of up to five layer
creations after the seed (``test_replay_order_is_the_only_one``) leaves one:
STEP 1, STEP 2, STEP 3 ran once, then STEP 1 twice more and STEP 3 once more,
and STEP 4 last (or STEP 1 and 3 swapped in the middle: the same 14 draws).
STEP 2 was not rerun, so its printed ``relu`` output is still that of the
first layer, and the prediction feeds this old z into the last 2x1 layer.
The post also printed ``fc.W`` under its bias label; the replay prints the
real bias.
"""

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer
import chainer.functions as F
import chainer.links as L
import numpy as np

from netlib import cli, optimizers, plots
from netlib.cli import flags
from netlib.cli.wording import counted
from netlib import steps
from netlib.device import to_numpy
from netlib.errors import UsageError
from netlib.links.mlp import MLP
from netlib.training.runs import Run

POST_SEED = 3
BLOG_CELL_ORDER = ('step1', 'step2', 'step3', 'step1', 'step1', 'step3', 'step4')


def post_data(xp=np):
    """The post's single example: x = [[1, 2, 3]], target t = [[3]] (float32)."""
    return xp.array([[1, 2, 3]], dtype='f'), xp.array([[3]], dtype='f')


DEFAULTS = dict(
    units=(3, 2, 1),      # x has 3 values, t has 1
    activation='relu',
    epoch=None,           # STEP 5: updates on the example (default: none, STEPs 1-4 only)
    frequency=1000,       # snapshot every this many updates
    optimizer=None,       # STEP 5's optimizer, with --epoch (default then: sgd)
    seed=POST_SEED,
    out='runs/steps_regression',
)


def add_flags(group):
    group.add_argument('--replay-blog', action='store_true',
                       help='replay the notebook cell order behind the numbers the post '
                            'printed (loss 19.60489845275879)')


def check(args):
    if args.units[0] != 3 or args.units[-1] != 1:
        raise UsageError(f'--units must start with 3 (x has 3 values) and end with 1 '
                         f'(t has 1), got {",".join(map(str, args.units))}')
    if args.replay_blog and (args.epoch or args.units != (3, 2, 1)):
        raise UsageError('--replay-blog replays the post as it was: leave out --epoch and '
                         '--units')
    optimizer_flags = (args.optimizer, args.lr, args.optimizer_arg, args.weight_decay,
                       args.grad_clip)
    if not args.epoch and any(optimizer_flags):
        raise UsageError('the optimizer flags need --epoch N: without it nothing is trained '
                         '(STEPs 1-4 only)')
    if args.epoch and not args.optimizer:  # the default, checked as flags.parse checks one
        args.optimizer = 'SGD'
        optimizers.create(args.optimizer, args.lr, args.optimizer_arg)


def run_post(args, x, t, device):
    """STEPs 1-4 of the post's final code block on (x, t), printing every value."""
    model = MLP(args.units, args.activation)
    model.to_device(device)
    *hidden, last = model
    z = x
    for number, layer in enumerate(hidden, start=1):
        print(f'STEP 1 linear transform (線形変換), layer {number}')
        print(f'  weights W: {steps.show(to_numpy(layer.W), "W")}')
        print(f'  bias b:    {steps.show(to_numpy(layer.b), "b")}')
        u = steps.linear(layer, z)
        print(f'  u = W x + b: {steps.show(to_numpy(u))}')
        z = steps.nonlinear(u, args.activation)
        print(f'STEP 2 nonlinear transform (非線形変換), {args.activation}(u): '
              f'{steps.show(to_numpy(z))}')
    y = steps.predict(last, z)
    print(f'STEP 3 prediction (予測値) y: {steps.show(to_numpy(y))}')
    loss = steps.loss(y, t)
    print(f'STEP 4 loss (損失関数), mean squared error: {steps.show(to_numpy(loss))}')
    return model, float(loss.array)


def numpy_loss(units, seed=POST_SEED):
    """STEPs 1-4 again in plain NumPy from the same seeded draws, to check Chainer's loss.

    Each ``L.Linear`` draws W from N(0, 1/fan_in) (LeCunNormal) on NumPy's
    global stream, row by row, and starts with a zero bias.
    """
    draws = np.random.RandomState(seed)
    z, t = post_data()
    for layer, (n_in, n_out) in enumerate(zip(units[:-1], units[1:]), start=1):
        weights = draws.normal(0.0, np.sqrt(1.0 / n_in), (n_out, n_in)).astype(np.float32)
        z = z @ weights.T
        z = z if layer == len(units) - 1 else np.maximum(z, 0)  # relu between layers
    return float(np.mean((z - t) ** 2))


def replay_blog():
    """Run the post's notebook cells in the order behind its printed numbers."""
    cells = {'step1': _cell_step1, 'step2': _cell_step2,
             'step3': _cell_step3, 'step4': _cell_step4}
    namespace, outputs = {}, {}
    np.random.seed(POST_SEED)  # the post's first cell
    namespace['x'] = np.array([[1, 2, 3]], dtype='f')
    for cell in BLOG_CELL_ORDER:
        outputs[cell] = cells[cell](namespace)  # a rerun cell shows its last output
    print(f'notebook cells run in the order: seed, {", ".join(BLOG_CELL_ORDER)}')
    for cell in cells:
        print(outputs[cell])
    return float(namespace['loss'].array)


def _cell_step1(ns):
    ns['fc'] = L.Linear(3, 2)
    ns['u'] = steps.linear(ns['fc'], ns['x'])
    return (f'STEP 1 linear transform (線形変換)\n'
            f'  weights W: {steps.show(ns["fc"].W, "W")}\n'
            f'  bias b:    {steps.show(ns["fc"].b, "b")}\n'
            f'  u = W x + b: {steps.show(ns["u"])}')


def _cell_step2(ns):
    ns['z'] = steps.nonlinear(ns['u'], 'relu')
    return f'STEP 2 nonlinear transform (非線形変換), relu(u): {steps.show(ns["z"])}'


def _cell_step3(ns):
    ns['fc2'] = L.Linear(2, 1)
    ns['y'] = steps.predict(ns['fc2'], ns['z'])
    return f'STEP 3 prediction (予測値) y: {steps.show(ns["y"])}'


def _cell_step4(ns):
    ns['t'] = np.array([[3]], 'f')
    ns['loss'] = F.mean_squared_error(ns['t'], ns['y'])
    return f'STEP 4 loss (損失関数), mean squared error: {steps.show(ns["loss"])}'


def train(model, x, t, args, run):
    """STEP 5, repeated: one update per epoch on the single example (x, t).

    The loop stays visible: each pass is the four steps and the update;
    ``manager`` logs, prints, guards against divergence and snapshots.
    """
    optimizer = optimizers.from_args(args, model)
    manager = run.manager({'main': optimizer}, (args.epoch, 'epoch'),
                          log_every=(max(1, args.epoch // 1000), 'epoch'),
                          print_every=(max(1, args.epoch // 10), 'epoch'),
                          plot=plots.LogPlot(f'case-k 3-2-1 net ({args.optimizer})',
                                             loss='mean squared error'))
    for _ in manager:
        loss = steps.loss(model(x), t)
        steps.update(optimizer, loss)
        chainer.report({'loss': loss}, model)
    return float(steps.loss(model(x), t).array)


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    check(args)
    run = Run(args)

    # 0: load data: the post's single example
    x, t = post_data(run.device.xp)

    # 1: settings: the net after the seed, STEPs 1-4 printed (or the notebook's cells replayed)
    if args.replay_blog:
        metrics = {'loss': replay_blog()}
    else:
        model, loss = run_post(args, x, t, run.device)
        metrics = {'loss': loss}
        if args.activation == 'relu':
            metrics['numpy_loss'] = numpy_loss(args.units, args.seed)
            print(f'STEP 4 loss recomputed in plain NumPy: {metrics["numpy_loss"]!r}')

    # 2: training: STEP 5, with --epoch N
    if args.epoch:
        metrics['final_loss'] = train(model, x, t, args, run)

    # 3: results
    run.save_metrics(metrics)
    if args.epoch:  # the last line is the loss the run ended with
        print(f'loss before training (STEP 4) {metrics["loss"]!r}\n'
              f'loss after {counted(args.epoch, "update")} with {args.optimizer} '
              f'{metrics["final_loss"]!r}')
    else:
        print(f'loss {metrics["loss"]!r}')
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
