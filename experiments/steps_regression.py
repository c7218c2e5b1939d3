"""The case-k post, step by step: a 3 -> 2 -> 1 ReLU net regressing x=[1,2,3] onto t=3.

STEP 1 linear (u = W x + b), STEP 2 nonlinear (z = relu(u)), STEP 3 predict
(y = W2 z + b2), STEP 4 loss (mean squared error); STEP 5 update, with
``--epochs N``, trains with any Chainer optimizer (``--optimizer``).

The default run is the post's final code block ("全体の流れ"): after
``np.random.seed(3)`` the two ``L.Linear`` layers draw their weights from
NumPy's global stream, and the loss is 9.608059.

The values the post *printed* (loss 19.60489845275879) come from the same seed
but from a notebook whose cells were run more than once.  Every ``L.Linear``
draws its initial W from the one seeded stream (LeCunNormal: 6 normal draws for
a 3x2 layer, 2 for a 2x1 layer), so a cell run again moves every later draw.
Trying every order of up to five layer creations after the seed (the test
``test_replay_order_is_the_only_one`` does it) shows the post's numbers come
from exactly this: the cells STEP 1, STEP 2, STEP 3 ran once, then STEP 1 ran
twice more and STEP 3 once more, and STEP 4 last.  STEP 2 was not rerun, so
its printed ``relu`` output [[1.70384192 0.]] is still that of the first layer,
and the final prediction feeds this old z into the last-created 2x1 layer.
(Running STEP 1 and STEP 3 in the other order in the middle, as 1,2,1,3,1,3,4,
draws the same numbers: what matters is that 14 draws precede the printed
layer.)  ``--replay-blog`` replays that cell order on a notebook namespace;
each cell's last output is what the post shows.  The post also printed
``fc.W`` under its bias label; the replay prints the real bias.
"""

import time

import chainer.functions as F
import numpy as np

from netlib import cli, optimizers, plots, runs, steps, training
from netlib.device import get_device, to_numpy
from netlib.networks import MLP, parse_units
from netlib.seed import set_seed

import chainer.links as L

POST_SEED = 3
BLOG_CELL_ORDER = ('step1', 'step2', 'step3', 'step1', 'step1', 'step3', 'step4')


def post_data(xp=np):
    """The post's single example: x = [[1, 2, 3]], target t = [[3]] (float32)."""
    return xp.array([[1, 2, 3]], dtype='f'), xp.array([[3]], dtype='f')


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--replay-blog', action='store_true',
                        help='replay the notebook cell order behind the numbers the post '
                             'printed (loss 19.60489845275879)')
    parser.add_argument('--units', default='3,2,1',
                        help='layer sizes from input to output; must start with 3 and end with 1')
    parser.add_argument('--activation', default='relu', choices=sorted(steps.ACTIVATIONS))
    parser.add_argument('--epochs', type=cli.positive_int, default=None,
                        help='STEP 5: train this many updates on the example (default: none)')
    optimizers.add_arguments(parser, default='sgd')
    training.add_snapshot_arguments(parser, frequency=1000)
    cli.add_run_arguments(parser, out_default='runs/steps_regression', seed_default=POST_SEED)
    args = parser.parse_args(argv)
    args.units = parse_units(args.units)
    if args.units[0] != 3 or args.units[-1] != 1:
        parser.error(f'--units must start with 3 (x has 3 values) and end with 1 '
                     f'(t has 1), got {",".join(map(str, args.units))}')
    if args.replay_blog and (args.epochs or args.units != (3, 2, 1)):
        parser.error('--replay-blog replays the post as it was: leave out --epochs and --units')
    optimizers.validate(args)
    return args


def run_post(args, device):
    """STEPs 1-4 of the post's final code block, printing every value."""
    set_seed(args.seed)
    x, t = post_data(device.xp)
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


def train(model, args, device, out):
    """STEP 5, repeated: one update per epoch on the single example.

    The loop stays hand-written so each step is visible; it snapshots every
    ``--frequency`` epochs (``--resume`` continues bit-identically) and stops
    with exit code 3 when the loss diverges.
    """
    x, t = post_data(device.xp)
    optimizer = optimizers.from_args(args, model)
    snapshot = training.LoopSnapshot(model, optimizer)
    start = snapshot.resume(out, args.resume)
    log = [record for record in _earlier_log(out) if record['epoch'] <= start]
    if start:
        print(f'resumed from the snapshot at epoch {start}')
    log_every, report_every = max(1, args.epochs // 1000), max(1, args.epochs // 10)
    try:
        for epoch in range(start + 1, args.epochs + 1):
            loss = steps.loss(model(x), t)
            training.check_loss(loss, epoch)
            steps.update(optimizer, loss)
            if epoch % log_every == 0:
                log.append({'epoch': epoch, 'iteration': epoch, 'main/loss': float(loss.array)})
            if epoch % report_every == 0 or epoch == args.epochs:
                print(f'STEP 5 update, epoch {epoch:5d}: loss {float(loss.array):.6g}')
            if epoch % args.frequency == 0:
                training.check_params(model, epoch)
                runs.save_log(out, log)
                snapshot.save(out, epoch)
    finally:
        runs.save_log(out, log)
    final_loss = float(steps.loss(model(x), t).array)
    print(f'loss after {args.epochs} updates with {type(optimizer).__name__}: {final_loss:.6g}')
    return log, final_loss


def _earlier_log(out):
    path = out / 'log'
    return runs.read_json(path) if path.exists() else []


def main(argv=None):
    args = parse_args(argv)
    device = get_device(args.device)
    out = training.prepare_out(args, snapshot_in=training.LoopSnapshot.find)
    runs.save_args(out, args)
    if args.replay_blog:
        metrics = {'loss': replay_blog()}
    else:
        model, loss = run_post(args, device)
        metrics = {'loss': loss}
    if args.epochs:
        started = time.perf_counter()
        log, metrics['final_loss'] = train(model, args, device, out)
        print(f'trained in {time.perf_counter() - started:.2f} s')
        plots.plot_log(out / 'loss.png', log, ['main/loss'], ylabel='mean squared error',
                       title=f'case-k 3-2-1 net: training loss ({args.optimizer})')
    runs.save_metrics(out, metrics)
    print(f'loss {metrics["loss"]!r}')
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
