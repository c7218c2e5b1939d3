"""Gradients measured without training: the weight-gradient norm of each layer, the
number the vanishing-gradient and weight-initialisation experiments compare."""


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
