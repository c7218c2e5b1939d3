"""The UUUM post's perceptrons: AND, OR, NAND, XOR as a two-layer perceptron; then one
``L.Linear(2, 2)`` and a one-hidden-layer MLP learn XOR side by side::

    netlib run logic_gates --unit 4 --seed 0
"""

from dataclasses import dataclass

import numpy as np

from netlib import cli, MLP, plots
from netlib.cli import flags
from netlib.evaluation import evaluate, predict
from netlib import steps
from netlib.training import comparison
from netlib.training.runs import Run

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
        """NOT self: every sign flipped, and the total 0 moved to the other side too."""
        return Perceptron(-self.bias, tuple(-w for w in self.weights), not self.fires_at_zero)

AND = Perceptron(-1.0, (0.5, 0.5))
OR = Perceptron(-1.0, (2.0, 2.0))
NAND_AS_POSTED = Perceptron(1.0, (-0.5, -0.5))  # AND's signs flipped, same rule
NAND = AND.negated()
GATES = {'and': ('AND', AND), 'or': ('OR', OR),
         # At (1, 1) the flipped total is 1 - 0.5 - 0.5 = 0, and the post's ">= 0" fires.
         'nand_as_posted': ('NAND as posted (AND with every sign flipped)', NAND_AS_POSTED),
         'nand': ('NAND = NOT AND (signs flipped, boundary moved)', NAND)}


def xor(x):
    """The two-layer perceptron: layer 1 is OR and NAND, layer 2 ANDs their outputs."""
    return AND(np.stack([OR(x), NAND(x)], axis=1))


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS)
    run = Run(args)

    # 0: load data: the post's perceptrons, and XOR's four examples
    metrics = truth_tables()
    x, t = run.device.send((INPUTS.astype(np.float32), np.array(EXPECTED['xor'], np.int32)))

    # 1: settings: each net starts from --seed, as if it were trained alone
    sizes = {'linear': (2, 2), 'mlp': (2, args.unit, 2)}
    models, trainers, _ = comparison.compared_nets(
        sizes, lambda name: MLP(sizes[name], args.activation), args, run.device)
    print(f'Training on XOR: linear = one Linear(2, 2), mlp = 2-{args.unit}-2 ({args.activation});'
          f' {args.optimizer}, {args.epoch} full-batch epochs, seed {args.seed}')

    # 2: training: one update of each net on all four examples per epoch
    manager = run.manager(trainers, (args.epoch, 'epoch'), columns=('linear/loss', 'mlp/loss'))
    for _ in manager:
        for name, model in models.items():
            steps.update(trainers[name], model(x, t))  # reports <name>/loss

    # 3: results and plots
    for name, model in models.items():
        result = evaluate(model, x, t)
        metrics[f'xor_{name}_accuracy'] = result['accuracy']
        print(f'{name}: predicted {predict(model.predictor, x).tolist()}, accuracy '
              f'{result["accuracy"]:.2f}, final loss {result["loss"]:.4g}')
    plots.plot_log(run.path('xor_loss.png'), manager.log, ['linear/loss', 'mlp/loss'],
                   f'XOR: training loss ({args.optimizer})', 'softmax cross-entropy',
                   labels={'linear': 'one Linear(2, 2)',
                           'mlp': f'2-{args.unit}-2 MLP ({args.activation})'})
    u = np.linspace(-6, 6, 601)  # the perceptrons' step next to the sigmoid that replaces it
    plots.plot_curves(run.path('activations.png'),
                      {'step: 1 if u >= 0 else 0': (u, (u >= 0).astype(float)),
                       'sigmoid: 1 / (1 + exp(-u))': (u, 1 / (1 + np.exp(-u)))},
                      title='Activation functions: step vs sigmoid',
                      xlabel='u = b + sum(x * w)', ylabel='output', log_scale=False)
    return run.save_metrics(metrics)


def print_table(title, columns):
    print(f'{title}\n  x1 x2 | ' + ' '.join(columns))
    for row, (x1, x2) in enumerate(INPUTS):
        print(f'   {x1}  {x2} | ' + ' '.join(f'{int(outputs[row]):^{len(name)}}'
                                           for name, outputs in columns.items()))


def truth_tables():
    """Print every table; metrics with each table and whether it is the right one."""
    tables = {name: gate(INPUTS).tolist() for name, (_, gate) in GATES.items()}
    tables['xor'] = xor(INPUTS).tolist()
    for name, (title, gate) in GATES.items():
        print_table(f'{title}: {gate}', {'y': tables[name]})
    print_table('XOR = AND(OR(x), NAND(x)), a two-layer perceptron',
                {'OR': OR(INPUTS), 'NAND': NAND(INPUTS), 'XOR': tables['xor']})
    return {**{f'{name}_table': table for name, table in tables.items()},
            **{f'{name}_table_ok': float(tables[name] == ok) for name, ok in EXPECTED.items()}}


if __name__ == '__main__':
    cli.run_main(main)
