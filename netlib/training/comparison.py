"""Several nets trained side by side in one loop, each as it would have been trained alone.

The concept experiments (vanishing gradients, weight initialisation, batch norm,
dropout, logic gates) train the same small net several times, changing one thing.
"""

from netlib import optimizers
from netlib.links.mlp import Classifier
from netlib.training.extensions.random_streams import RandomStreams
from netlib.training.seed import set_seed


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
