"""Every experiment ``make reproduce`` runs, with the blog numbers it must reproduce."""

from netlib.targets import Experiment, Target

CASE_K = 'case-k, Chainer steps (../shared/seeds/case-k-chainer-steps.txt)'

EXPERIMENTS = (
    Experiment(
        name='steps_regression',
        module='experiments.steps_regression',
        args=('--epochs', '100'),
        source=CASE_K,
        plots=('loss.png',),
        targets=(
            # float32 loss of the post's final code block under seed 3.
            Target('STEP 4 loss, final code block', 'loss', blog=9.608059,
                   tolerance=5e-7),
            Target('loss after 100 SGD updates', 'final_loss', blog=0.0,
                   kind='at_most', bound=1e-6),
        )),
    Experiment(
        name='steps_regression_blog',
        module='experiments.steps_regression',
        args=('--replay-blog',),
        source=CASE_K,
        targets=(
            Target('STEP 4 loss as printed in the post', 'loss', blog=19.60489845275879),
        )),
)
