"""The UUUM post's perceptrons: AND, OR, NAND, and XOR as a two-layer perceptron.

Prints each gate's truth table (NAND as posted and as NOT AND), then trains a
single ``L.Linear(2, 2)`` and an MLP with one hidden layer side by side on
the four XOR examples (full batch, softmax cross-entropy) and tests both::

    netlib run logic_gates --unit 4 --seed 0
"""

from dataclasses import dataclass

import numpy as np

from netlib import Classifier, MLP, cli, flags, optimizers, plots, steps
from netlib.evaluation import evaluate, predict
from netlib.runs import Run
from netlib.seed import set_seed

DEFAULTS = dict(
    epoch=500,             # full-batch updates on the four XOR examples
    unit=2,                # hidden units of the MLP
    activation='tanh',
    optimizer='rmsprop',   # solves XOR in a few hundred updates; SGD or Adam need thousands
    seed=1,
    frequency=100,         # snapshot every 100 epochs
    out='runs/logic_gates',
)

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
EXPECTED = {'and': [0, 0, 0, 1], 'or': [0, 1, 1, 1], 'nand': [1, 1, 1, 0], 'xor': [0, 1, 1, 0]}


@dataclass(frozen=True)
class Perceptron:
    """Fires when b + sum(x * w) >= 0, as in the post (> 0 if not *fires_at_zero*)."""

    bias: float
    weights: tuple
    fires_at_zero: bool = True

    def __call__(self, x):
        total = self.bias + np.dot(x, self.weights)
        return (total >= 0 if self.fires_at_zero else total > 0).astype(int)

    def negated(self):
        """NOT self: every sign flipped, and a total of exactly 0 moved to the other side
        (flipping the signs alone keeps a total of 0 at 0, which still fires)."""
        return Perceptron(-self.bias, tuple(-w for w in self.weights), not self.fires_at_zero)

    def describe(self):
        return (f'bias {self.bias:g}, weights {", ".join(f"{w:g}" for w in self.weights)}, '
                f'fires when total {">= 0" if self.fires_at_zero else "> 0"}')


AND = Perceptron(-1.0, (0.5, 0.5))
OR = Perceptron(-1.0, (2.0, 2.0))
NAND_AS_POSTED = Perceptron(1.0, (-0.5, -0.5))  # AND's signs flipped, same rule
NAND = AND.negated()
GATES = {
    'and': ('AND', AND),
    'or': ('OR', OR),
    # At (1, 1) the flipped total is 1 - 0.5 - 0.5 = 0, and the post's ">= 0" fires.
    'nand_as_posted': ('NAND as posted (AND with every sign flipped)', NAND_AS_POSTED),
    'nand': ('NAND = NOT AND (signs flipped, boundary moved)', NAND),
}


def xor(x):
    """The two-layer perceptron: layer 1 is OR and NAND, layer 2 ANDs their outputs."""
    return AND(np.stack([OR(x), NAND(x)], axis=1))


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS)
    run = Run(args)

    # 0: the post's perceptrons, and XOR's four examples as data
    metrics = truth_tables()
    x = run.device.xp.asarray(INPUTS, dtype=np.float32)
    t = run.device.xp.array(EXPECTED['xor'], dtype=np.int32)

    # 1: settings: each net starts from --seed, as if it were trained alone
    trainees = {}
    for name, units in {'linear': (2, 2), 'mlp': (2, args.unit, 2)}.items():
        set_seed(args.seed)
        model = Classifier(MLP(units, args.activation))
        model.to_device(run.device)
        trainees[name] = optimizers.from_args(args, model)
    print(f'Training on XOR: linear = one Linear(2, 2), mlp = 2-{args.unit}-2 '
          f'({args.activation}); {args.optimizer}, {args.epoch} full-batch epochs, '
          f'seed {args.seed}')

    # 2: training: one update of each net on all four examples per epoch
    manager = run.manager(trainees, (args.epoch, 'epoch'), columns=('linear/loss', 'mlp/loss'))
    for _ in manager:
        for optimizer in trainees.values():
            steps.update(optimizer, optimizer.target(x, t))  # reports <name>/loss

    # 3: results and plots
    for name, optimizer in trainees.items():
        model = optimizer.target
        result = evaluate(model, x, t)
        metrics[f'xor_{name}_accuracy'] = result['accuracy']
        print(f'{name}: predicted {predict(model.predictor, x).tolist()}, accuracy '
              f'{result["accuracy"]:.2f}, final loss {result["loss"]:.4g}')
    plots.plot_log(run.path('xor_loss.png'), manager.log, ['linear/loss', 'mlp/loss'],
                   f'XOR: training loss ({args.optimizer})', 'softmax cross-entropy')
    plot_activations(run.path('activations.png'))
    return run.save_metrics(metrics)


def print_table(columns):
    """A truth table: the inputs x1, x2, then each ``name -> outputs`` in *columns*."""
    print('  x1 x2 | ' + ' '.join(columns))
    for row, (x1, x2) in enumerate(INPUTS):
        print(f'   {x1}  {x2} | ' + ' '.join(f'{int(outputs[row]):^{len(name)}}'
                                           for name, outputs in columns.items()))


def truth_tables():
    """Print every table; metrics with each table and whether it is the right one."""
    tables = {}
    for name, (title, gate) in GATES.items():
        tables[name] = gate(INPUTS).tolist()
        print(f'{title}: {gate.describe()}')
        print_table({'y': tables[name]})
    tables['xor'] = xor(INPUTS).tolist()
    print('XOR = AND(OR(x), NAND(x)), a two-layer perceptron')
    print_table({'OR': OR(INPUTS), 'NAND': NAND(INPUTS), 'XOR': tables['xor']})
    metrics = {f'{name}_table': table for name, table in tables.items()}
    metrics.update({f'{name}_table_ok': float(tables[name] == expected)
                    for name, expected in EXPECTED.items()})
    return metrics


def plot_activations(path):
    """The step function of the perceptrons next to the sigmoid that replaces it."""
    u = np.linspace(-6, 6, 601)
    plots.plot_curves(path, {'step: 1 if u >= 0 else 0': (u, (u >= 0).astype(float)),
                             'sigmoid: 1 / (1 + exp(-u))': (u, 1 / (1 + np.exp(-u)))},
                      title='Activation functions: step vs sigmoid',
                      xlabel='u = b + sum(x * w)', ylabel='output', log_scale=False)


if __name__ == '__main__':
    cli.run_main(main)
