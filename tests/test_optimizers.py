import chainer
import numpy as np
import pytest

from netlib import optimizers
from netlib.errors import UsageError
from netlib.links.mlp import MLP

EXPECTED_CLASSES = {'SGD', 'MomentumSGD', 'NesterovAG', 'CorrectedMomentumSGD', 'AdaGrad',
                    'AdaDelta', 'RMSprop', 'RMSpropGraves', 'Adam', 'AMSGrad', 'AdaBound',
                    'AMSBound', 'SMORMS3', 'MSVAG'}


def test_registry_holds_every_chainer_optimizer():
    assert EXPECTED_CLASSES <= set(optimizers.registry())


@pytest.mark.parametrize('alias,class_name', sorted(optimizers.ALIASES.items()))
def test_aliases_name_real_classes(alias, class_name):
    assert optimizers.resolve(alias.upper()) == class_name
    assert isinstance(optimizers.create(alias), getattr(chainer.optimizers, class_name))


@pytest.mark.parametrize('name,attribute', [('sgd', 'lr'), ('rmsprop', 'lr'),
                                            ('adam', 'alpha'), ('AMSBound', 'alpha')])
def test_lr_goes_to_the_optimizers_own_name(name, attribute):
    assert getattr(optimizers.create(name, lr=0.25), attribute) == 0.25


def test_optimizer_args_are_typed_by_their_defaults():
    optimizer = optimizers.create('adam', options=['beta1=0.5', 'amsgrad=true'])
    assert optimizer.beta1 == 0.5 and optimizer.amsgrad is True


def test_adadelta_refuses_lr():
    with pytest.raises(UsageError, match='no learning rate'):
        optimizers.create('adadelta', lr=0.1)


def _one_sgd_step(grad_value, **hooks):
    """Parameters before and after one SGD step (lr 1) with every gradient = grad_value."""
    model = MLP((3, 1))
    optimizer = optimizers.setup(optimizers.create('sgd', lr=1.0), model, **hooks)
    before = [param.array.copy() for param in model.params()]
    for param in model.params():
        param.grad = np.full_like(param.array, grad_value)
    optimizer.update()
    return before, [param.array for param in model.params()]


def test_weight_decay_hook_shrinks_parameters():
    before, after = _one_sgd_step(0.0, weight_decay=0.1)
    for old, new in zip(before, after):
        np.testing.assert_allclose(new, 0.9 * old, rtol=1e-6)


def test_grad_clip_hook_bounds_the_step():
    before, after = _one_sgd_step(100.0, grad_clip=5.0)
    step = np.sqrt(sum(float(((new - old) ** 2).sum()) for old, new in zip(before, after)))
    assert step == pytest.approx(5.0, rel=1e-5)


def test_list_optimizers_prints_every_class(run):
    result = run('experiments.steps_regression', '--list-optimizers')
    assert result.returncode == 0
    for class_name in EXPECTED_CLASSES:
        assert class_name in result.stdout
    assert 'AdaDelta' in result.stdout and '(none)' in result.stdout
