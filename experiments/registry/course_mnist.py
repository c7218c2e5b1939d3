"""The Udacity course's last topics, measured on MNIST: a GAN and transfer learning.

The post gives no numbers for either; each target is a claim whose basis says
where its criterion comes from."""

from experiments.posts import UDACITY, chainer_example
from experiments.targets import Experiment, Target

GAN_SENTENCE = ('訓練データと生成データを見分けることができなくなるため、'
                'discriminatorの正答率は50%になります')

EXPERIMENTS = (
    Experiment(
        name='gan_mnist',
        source=f"{UDACITY}: GAN; Chainer's examples/dcgan (its updater, Adam and noise)",
        plots=('samples.png', 'loss.png', 'd_accuracy.png', 'score.png', 'frechet.png',
               'classes.png'),
        links=(chainer_example('dcgan'),),
        targets=(
            Target("D's accuracy moves toward 0.5: over the last quarter of the epochs it is "
                   'at least 0.1 nearer 0.5 than in epoch 1', 'd_accuracy_moved_toward_half',
                   kind='at_least', bound=0.1, seeded=True,
                   basis=f'the post: 「{GAN_SENTENCE}」; 0.1: beyond the epoch-to-epoch wobble'),
            Target("D's accuracy over the last quarter of the epochs is within 0.25 of 0.5",
                   'd_accuracy_last_window', kind='at_most', bound=0.75, seeded=True,
                   basis=f'the post: 「{GAN_SENTENCE}」, in the epochs that fit in 5 minutes'),
            Target('The classifier score of the generated digits is far nearer the real '
                   "digits' ceiling than uniform noise's floor (share of the range)",
                   'score_share_of_range', kind='at_least', bound=0.6, seeded=True,
                   basis='0.5 would be half way; 0.6 asks for clearly nearer the real '
                         "digits' ceiling than noise's floor"),
            Target("The Fréchet distance is far nearer the real digits' than noise's",
                   'frechet_share_of_range', kind='at_least', bound=0.8, seeded=True,
                   basis='the same share of the range, on the CNN\'s penultimate features'),
            Target('Every digit is generated: the rarest class is at least 2 % of the samples',
                   'smallest_class_share', kind='at_least', bound=0.02, seeded=True,
                   basis='uniform is 10 %; a collapsed GAN leaves classes at 0'),
        )),
    Experiment(
        name='transfer_learning',
        source=f'{UDACITY}: 転移学習 (a LeNet-sized CNN pretrained on MNIST 0-4, learning '
               "5-9 and scikit-learn's 8x8 digits)",
        plots=('accuracy_vs_n.png',),
        targets=(
            Target('Transfer beats scratch at 1 image a class (MNIST 5-9), mean of 5 draws',
                   'mnist_gain_smallest_n', kind='at_least', bound=0.0,
                   basis="the post: 「Googleとかが頑張ってチューニングしてくれたやつを"
                         "そのまま使えまっせ」; the run's mean over --seeds draws"),
            Target('Beyond the noise of the draws: fine-tuning beats scratch in every paired '
                   'draw (the same images and batches) from N = 10 a class at the latest',
                   'mnist_finetune_wins_every_draw_from_n', kind='at_most', bound=10,
                   basis='the small N are 1, 5 and 10 images a class; 5 of 5 draws is a sign '
                         'test at p = 1/32 for each N'),
            Target('... and on the harder target, the small 8x8 digits, in every draw at '
                   '1 image a class', 'sklearn_finetune_least_gain_smallest_n',
                   kind='at_least', bound=0.0,
                   basis='the same sign test, on another dataset'),
            Target('With 1000 images a class scratch catches up: within 0.02 of transfer',
                   'mnist_gain_largest_n', kind='at_most', bound=0.02,
                   basis='where the curves meet; 0.02 is two sds of a point over seeds'),
        )),
)
