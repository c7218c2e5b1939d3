"""Looking inside small networks while they train, for the concept experiments.

The concept scripts (vanishing gradients, weight initialisation, batch norm,
dropout) train the same small net several times, changing one thing, and
compare numbers the Trainer does not report: the gradient of every layer and
the loss trend of each net.
"""

import numpy as np

from netlib import optimizers
from netlib.links.mlp import Classifier
from netlib.training.seed import set_seed
from netlib.serializers.snapshots import RandomStreams


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


def random_batch(size, batchsize, xp=np):
    """Indices of *batchsize* examples drawn with replacement from NumPy's global stream.

    Drawn as "Deep Learning from Scratch" draws them (``np.random.choice``), so a
    run can stop after any number of iterations, not only after whole epochs.
    """
    return xp.asarray(np.random.choice(size, batchsize))  # a GPU array needs GPU indices


def moving_average(values, window):
    """``(iterations, means)`` of *window* consecutive values, iteration counted from 1.

    A mini-batch loss jumps from batch to batch; averaging a window of them
    shows the trend, which is what a loss plot is read for.
    """
    window = max(1, min(window, len(values)))
    means = np.convolve(values, np.ones(window) / window, mode='valid')
    return np.arange(window, len(values) + 1), means


def compared_nets(names, make, args, device, weight_decay=None):
    """The nets compared side by side in one loop: ``(models, optimizers, streams)``.

    Each ``Classifier(make(name))`` is built right after ``set_seed(args.seed)``, so it
    starts from the weights and random draws (batches, dropout masks) it would have had
    trained alone, and *streams* (a RandomStreams) keeps those draws its own.  Each
    optimizer is the command line's; *weight_decay*, a dict, sets the rate per name.
    """
    models, trainers, streams = {}, {}, RandomStreams()
    for name in names:
        set_seed(args.seed)
        models[name] = Classifier(make(name))
        models[name].to_device(device)
        rate = args.weight_decay if weight_decay is None else weight_decay.get(name, 0.0)
        optimizer = optimizers.create(args.optimizer, args.lr, args.optimizer_arg)
        trainers[name] = optimizers.setup(optimizer, models[name], rate, args.grad_clip)
        streams.add(name)
    return models, trainers, streams
