"""A GAN on MNIST after Chainer's examples/dcgan: the discriminator's accuracy, the digits' quality.

The generator and discriminator (:mod:`netlib.links.gan`, fully connected) train
with the example's updater and optimizers (Adam with beta1 0.5 and weight decay
0.0001; alpha 0.0005 for the example's 0.0002).  Every epoch logs both losses and the discriminator's
accuracy on real and on generated images; after each epoch ``--samples``
digits from fixed noise are scored by the Keras MNIST CNN (``mnist_cnn``'s
network): the classifier score (Inception-score formula, 1 to 10) and the
Fréchet distance of its penultimate features to real training digits, beside
the same numbers for held-out real digits (the ceiling) and uniform noise
(the floor).  The classifier is trained once (one epoch of 30,000 digits) and cached as
``--classifier`` with its SHA-256 (:mod:`netlib.serializers.saved_models`)::

    python -m experiments.gan_mnist
    python -m experiments.gan_mnist --epoch 2 --train-size 6000 --samples 500
"""

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
from pathlib import Path

import chainer
import numpy as np
from chainer import training

from netlib import cli, kernels, optimizers, plots
from netlib.cli import flags
from netlib.cli.memory import refuse_unless_fits
from netlib.cli.wording import counted
from netlib.datasets.mnist import load_mnist
from netlib.device import to_numpy
from netlib.evaluation import evaluate
from netlib.evaluation import sample_quality as quality
from netlib.iterators import batch_iterator, send_arrays
from netlib.links.convnets import KerasMnistCNN
from netlib.links.gan import Discriminator, Generator
from netlib.links.mlp import Classifier
from netlib.serializers import saved_models
from netlib.training.runs import Run
from netlib.training.seed import set_seed
from netlib.training.trainer import run_trainer
from netlib.training.updaters import GANUpdater

DEFAULTS = dict(
    epoch=12,             # sweeps over the 60,000 training images
    batchsize=100,
    data_dir=None,
    train_size=None,
    out='runs/gan_mnist',
)
# Adam as the example's make_optimizer (beta1 0.5) with alpha 0.0005 for its 0.0002:
# generated digits came to the same score about an epoch sooner (alpha 0.001 alike).
ADAM = (0.0005, ['beta1=0.5'])  # the example's make_optimizer: alpha, beta1
WEIGHT_DECAY = 0.0001
REFERENCE = 5         # real training digits the Fréchet distance compares with, per sample
GRID_ROWS = 6         # epochs shown in the sample grid


def add_flags(group):
    group.add_argument('--samples', type=flags.positive_int, default=1000,
                       help='generated digits scored after each epoch (and held-out and '
                            'noise images for the ceiling and floor)')
    group.add_argument('--classifier', default='runs/score_classifier/keras_mnist_cnn_30k.npz',
                       metavar='NPZ', help='the scoring CNN; trained once and saved here if '
                                           'missing, checked against its .sha256 after')


# One epoch over the first 30,000 training digits: all 60,000 took 66 s of CPU on one core
# for a test accuracy of 0.981, the first 30,000 half that for 0.977.
def score_classifier(path, data_dir, device, images=30000):
    """The Keras MNIST CNN saved at *path*, or trained there first: one epoch over the
    first *images* training digits as ``mnist_cnn`` trains it (AdaDelta, batch 128),
    then saved with its SHA-256.

    Training draws dropout masks from NumPy's global stream: seed after this call
    for a run that is the same whether it trained the classifier or loaded it.
    """
    cnn, path = KerasMnistCNN(), Path(path)
    if path.is_file():
        saved_models.load(path, cnn)  # its .sha256 and every array's name and shape
    else:
        print(f'training the scoring classifier (mnist_cnn, {images} images) -> {path}')
        x, t = load_mnist(data_dir, 'train', shape='image', limit=images)
        model = Classifier(cnn).to_device(device)
        optimizer = optimizers.create('adadelta').setup(model)
        order = np.random.RandomState(0).permutation(len(x))
        for start in range(0, len(x), 128):
            batch = order[start:start + 128]
            optimizer.update(model, device.send(x[batch]), device.send(t[batch]))
        x, t = load_mnist(data_dir, 'test', shape='image')
        accuracy = evaluate(model, device.send(x), device.send(t))['accuracy']
        print(f'scoring classifier: test accuracy {accuracy:.4f}')
        path.parent.mkdir(parents=True, exist_ok=True)
        saved_models.save(path, cnn.to_cpu())
    return cnn.to_device(device)


class SampleQuality(training.Extension):
    """After each epoch: the score and Fréchet distance of digits generated from fixed
    noise; keeps ten of them for the grid (in snapshots too)."""

    trigger = 1, 'epoch'
    priority = training.PRIORITY_WRITER  # before LogReport takes the epoch's record

    def __init__(self, gen, cnn, reference, samples):
        self.gen, self.cnn, self.reference = gen, cnn, reference
        self.z = gen.make_hidden(samples, np.random.RandomState(0))  # same noise every epoch
        self.kept = np.zeros((0, 10, 784), np.float32)

    def generate(self, z):
        """Images from NumPy noise *z*, left on the generator's device for the CNN."""
        with chainer.using_config('train', False), chainer.no_backprop_mode():
            return self.gen(self.gen.device.send(z)).array

    def __call__(self, trainer):
        images = self.cnn.device.send(self.generate(self.z))
        probabilities, features = quality.classifier_outputs(self.cnn, images)
        chainer.report({'score': quality.classifier_score(probabilities),
                        'frechet': quality.frechet_distance(features, self.reference)})
        self.kept = np.concatenate([self.kept, to_numpy(images[None, :10])])  # for the grid

    def serialize(self, serializer):
        # None when loading: the saved array, whatever its length (a deserializer copies
        # into the array it is given, and one of another length silently broadcasts).
        loading = isinstance(serializer, chainer.serializer.Deserializer)
        self.kept = serializer('kept', None if loading else self.kept)


@kernels.blas_threads(1)  # small matrices: a second OpenBLAS thread spins (kernels.py)
def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS, add_flags)
    # the noise, the samples and the uniform floor (float32 images) and their CNN features,
    # in double precision for the Fréchet distance, several copies each
    refuse_unless_fits(64 * args.samples * 784, f'--samples {args.samples}')
    run = Run(args)

    # 0: load data: training digits for the GAN, held-out ones for the ceiling
    x_train, t_train = load_mnist(args.data_dir, 'train', limit=args.train_size)
    x_test, t_test = load_mnist(args.data_dir, 'test')
    run.check_batchsize(len(x_train))
    cnn = score_classifier(args.classifier, args.data_dir, run.device)

    # 1: settings: the models, and the ceiling and floor of both measures
    set_seed(args.seed)  # the same GAN whether the classifier was trained here or loaded
    gen, dis = Generator().to_device(run.device), Discriminator().to_device(run.device)
    trainees = {name: optimizers.setup(optimizers.create('adam', *ADAM), model, WEIGHT_DECAY)
                for name, model in (('gen', gen), ('dis', dis))}
    real = run.device.send(x_train[:REFERENCE * args.samples])
    _, reference = quality.classifier_outputs(cnn, real)
    noise = np.random.RandomState(1).uniform(0, 1, (args.samples, 784)).astype(np.float32)
    bounds = {}
    for name, images in (('real', x_test[:args.samples]), ('noise', noise)):
        probabilities, features = quality.classifier_outputs(cnn, run.device.send(images))
        bounds[f'score_{name}'] = quality.classifier_score(probabilities)
        bounds[f'frechet_{name}'] = quality.frechet_distance(features, reference)
    print('held-out real digits: score {score_real:.3f}, Fréchet {frechet_real:.2f}; uniform '
          'noise: score {score_noise:.3f}, Fréchet {frechet_noise:.2f}'.format(**bounds))

    # 2: training: the example's updater, one step of D then one of G per minibatch
    iterator = batch_iterator(chainer.datasets.TupleDataset(x_train), args.batchsize)
    updater = GANUpdater(iterator, trainees, run.device, send_arrays)
    trainer = training.Trainer(updater, (args.epoch, 'epoch'), out=str(run.out))
    scorer = SampleQuality(gen, cnn, reference, args.samples)
    log = run_trainer(trainer, run, [scorer], plot=plots.LogPlot(
        'MNIST GAN', {'gen': 'generator', 'dis': 'discriminator'}, 'softplus GAN loss'),
        columns=['gen/loss', 'dis/loss', 'dis/acc_real', 'dis/acc_fake', 'score', 'frechet'])

    # 3: results and plots
    probabilities, _ = quality.classifier_outputs(cnn, run.device.send(scorer.generate(scorer.z)))
    classes = np.bincount(probabilities.argmax(axis=1), minlength=10)
    plot_results(run, args, log, scorer, len(reference), bounds, classes)
    metrics = result_metrics(log, bounds, classes)
    print('D accuracy {d_accuracy_first:.3f} (epoch 1) -> {d_accuracy_last_window:.3f} (mean of '
          'the last {window}); score {score:.3f} (ceiling {score_real:.3f}, '
          'floor {score_noise:.3f}); Fréchet {frechet:.2f} (ceiling {frechet_real:.2f}, floor '
          '{frechet_noise:.2f}); classes {class_counts}'.format(
              window=counted(metrics['d_accuracy_window'], 'epoch'), **metrics))
    return run.save_metrics(metrics)


def discriminator_accuracy(log):
    """The discriminator's accuracy per epoch: the mean of real and generated digits'."""
    return [(r['dis/acc_real'] + r['dis/acc_fake']) / 2 for r in log]


def plot_discriminator_accuracy(path, log):
    epochs = [record['epoch'] for record in log]
    plots.plot_curves(path, {
        'on real digits': (epochs, [r['dis/acc_real'] for r in log]),
        'on generated digits': (epochs, [r['dis/acc_fake'] for r in log]),
        'mean of the two': (epochs, discriminator_accuracy(log))},
        lines={'0.5: cannot tell them apart': 0.5,
               "0.75: the claim's bound for the last quarter's mean": 0.75},
        title="Discriminator's accuracy (training minibatches, mean per epoch)",
        xlabel='epoch', ylabel='accuracy (fraction correct)')


def plot_results(run, args, log, scorer, reference_size, bounds, classes):
    """The discriminator's accuracy, both measures against their ceiling and floor, the
    sample grid and the generated digits' classes."""
    epochs = [record['epoch'] for record in log]
    plot_discriminator_accuracy(run.path('d_accuracy.png'), log)
    for key, what, ylabel in (
            ('score', 'Classifier score', 'classifier score (1 to 10)'),
            ('frechet', f'Fréchet distance to {reference_size} training digits', 'distance')):
        curve = {'generated digits': (epochs, [record[key] for record in log])}
        plots.plot_curves(run.path(f'{key}.png'), curve,
                          lines={'held-out real digits (ceiling)': bounds[f'{key}_real'],
                                 'uniform noise (floor)': bounds[f'{key}_noise']},
                          title=f'{what} of {args.samples} generated digits\n(features and '
                                'classes of the Keras MNIST CNN)',
                          xlabel='epoch', ylabel=ylabel, log_scale=key == 'frechet')
    rows = np.unique(np.linspace(0, len(scorer.kept) - 1, GRID_ROWS).round().astype(int))
    plots.image_grid(run.path('samples.png'), [image for row in rows for image in scorer.kept[row]],
                     'Generated digits from the same ten noise vectors', 10,
                     row_labels=[f'epoch {epochs[row]}' for row in rows])
    plots.class_histogram(run.path('classes.png'), classes, "digit (the CNN's class)",
                          'generated digits', f'{classes.sum()} generated digits by '
                          f'class after epoch {log[-1]["epoch"]}')


def result_metrics(log, bounds, classes):
    """The last epoch's measures, where they sit between floor and ceiling, and how the
    discriminator's accuracy moved toward 0.5 (the mean of the last quarter of epochs)."""
    epochs = [record['epoch'] for record in log]
    d_accuracy = discriminator_accuracy(log)
    window = max(1, len(log) // 4)  # the last quarter of the epochs
    last = log[-1]
    return {**bounds, 'score': last['score'], 'frechet': last['frechet'],
            'd_accuracy': dict(zip(epochs, d_accuracy)),
            'd_accuracy_first': d_accuracy[0], 'd_accuracy_window': window,
            'd_accuracy_last_window': float(np.mean(d_accuracy[-window:])),
            'd_accuracy_moved_toward_half': abs(d_accuracy[0] - 0.5)
            - abs(float(np.mean(d_accuracy[-window:])) - 0.5),
            'score_share_of_range': (last['score'] - bounds['score_noise'])
            / (bounds['score_real'] - bounds['score_noise']),
            'frechet_share_of_range': (bounds['frechet_noise'] - last['frechet'])
            / (bounds['frechet_noise'] - bounds['frechet_real']),
            'class_counts': classes.tolist(), 'smallest_class_share':
            float(classes.min() / classes.sum()), 'seconds': last['elapsed_time']}

if __name__ == '__main__':
    cli.run_main(main)
