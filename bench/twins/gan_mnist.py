"""PyTorch twin of ``python -m experiments.gan_mnist --epoch 1 --train-size 12000
--samples 1000 --classifier NPZ --no-progress``.

The same whole run as netlib's GAN after Chainer's examples/dcgan: the fully
connected generator (100 -> 128 -> 256 -> 784, batch normalization, sigmoid)
and discriminator (784 -> 256 -> 128 -> 1, leaky ReLU 0.2, Gaussian noise 0.2
before every layer while training), Chainer's initialisation, two Adam
optimizers (alpha 0.0005, beta1 0.5) with weight decay 1e-4 added to the
gradients (Chainer's WeightDecay hook), the example's updater and softplus
losses over shuffled batches of 100.  Before training, the ceiling (held-out
real digits) and floor (uniform noise) of both measures; after each epoch,
``--samples`` digits from fixed noise scored by netlib's trained Keras MNIST
CNN (the same Chainer npz, checked against its .sha256): the classifier score
and the Fréchet distance of its penultimate features to real training digits.
A checkpoint at the end.  netlib also draws plots and a sample grid; the twin
has no matplotlib and leaves them out.
"""

import hashlib
import math
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from common import evaluate, load_mnist, parser, print_metrics, save_checkpoint
from mnist_cnn import KerasMnistCNN

ADAM = dict(lr=0.0005, betas=(0.5, 0.999), eps=1e-8, weight_decay=0.0001)
REFERENCE = 5          # real training digits the Fréchet distance compares with, per sample
N_HIDDEN = 100
NOISE_SIGMA = 0.2
LEAKY_SLOPE = 0.2      # Chainer's F.leaky_relu default (PyTorch's is 0.01)
BN_EPS = 2e-5          # Chainer's L.BatchNormalization default (PyTorch's is 1e-5)


def chainer_linear(n_in, n_out):
    """nn.Linear started as Chainer's L.Linear: LeCun normal weights, zero bias."""
    layer = nn.Linear(n_in, n_out)
    nn.init.normal_(layer.weight, std=math.sqrt(1 / n_in))
    nn.init.zeros_(layer.bias)
    return layer


class Generator(nn.Module):
    def __init__(self, units=(128, 256), pixels=784):
        super().__init__()
        self.l0, self.bn0 = chainer_linear(N_HIDDEN, units[0]), nn.BatchNorm1d(units[0], BN_EPS)
        self.l1, self.bn1 = chainer_linear(*units), nn.BatchNorm1d(units[1], BN_EPS)
        self.l2 = chainer_linear(units[1], pixels)

    def forward(self, z):
        h = F.relu(self.bn0(self.l0(z)))
        h = F.relu(self.bn1(self.l1(h)))
        return torch.sigmoid(self.l2(h))


def add_noise(h, training):
    return h + NOISE_SIGMA * torch.randn_like(h) if training else h


class Discriminator(nn.Module):
    def __init__(self, units=(256, 128), pixels=784):
        super().__init__()
        self.l0 = chainer_linear(pixels, units[0])
        self.l1 = chainer_linear(*units)
        self.l2 = chainer_linear(units[1], 1)

    def forward(self, x):
        h = F.leaky_relu(self.l0(add_noise(x, self.training)), LEAKY_SLOPE)
        h = F.leaky_relu(self.l1(add_noise(h, self.training)), LEAKY_SLOPE)
        return self.l2(add_noise(h, self.training))


def make_hidden(batchsize):
    return torch.rand(batchsize, N_HIDDEN) * 2 - 1  # uniform in [-1, 1], as make_hidden


def update(gen, dis, optimizers, x_real):
    """The example's DCGANUpdater step: D on real and (detached) generated images, then G
    through the updated D; the step's losses and D's accuracies."""
    y_real = dis(x_real)
    x_fake = gen(make_hidden(len(x_real)))
    y_fake = dis(x_fake.detach())
    loss_dis = F.softplus(-y_real).sum() / len(x_real) + F.softplus(y_fake).sum() / len(x_real)
    optimizers['dis'].zero_grad()
    loss_dis.backward()
    optimizers['dis'].step()
    loss_gen = F.softplus(-dis(x_fake)).sum() / len(x_real)
    optimizers['gen'].zero_grad()
    loss_gen.backward()
    optimizers['gen'].step()
    return {'dis/loss': loss_dis.item(), 'gen/loss': loss_gen.item(),
            'dis/acc_real': (y_real > 0).float().mean().item(),
            'dis/acc_fake': (y_fake < 0).float().mean().item()}


def train_epoch(gen, dis, optimizers, x, batchsize):
    """One shuffled sweep; the mean of each reported value, as LogReport keeps it."""
    gen.train(), dis.train()
    order = torch.randperm(len(x))
    records = [update(gen, dis, optimizers, x[order[start:start + batchsize]])
               for start in range(0, len(x), batchsize)]
    return {key: float(np.mean([record[key] for record in records])) for key in records[0]}


def load_classifier(path):
    """netlib's scoring CNN from its Chainer npz, after checking its .sha256.

    Chainer's Linear W is (out, in) and its convolution W (out, in, kh, kw), as
    PyTorch's, and fc1 flattens NCHW in C order in both, so arrays copy as they are.
    """
    path = Path(path)
    sidecar = Path(f'{path}.sha256')
    if sidecar.is_file():
        expected = sidecar.read_text().split()[0]
        if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            raise SystemExit(f'{path}: SHA-256 differs from {sidecar}')
    arrays = np.load(path, allow_pickle=False)
    cnn = KerasMnistCNN()
    state = {name.replace('/W', '.weight').replace('/b', '.bias'): torch.from_numpy(arrays[name])
             for name in arrays.files}
    cnn.load_state_dict(state, strict=True)  # refuses missing, extra or misshapen arrays
    return cnn.eval()


def classifier_outputs(cnn, x, batchsize=500):
    """(probabilities, penultimate features) of *cnn* for images *x*, float64 NumPy."""
    probabilities, features = [], []
    with torch.inference_mode():
        for start in range(0, len(x), batchsize):
            h = cnn.penultimate(x[start:start + batchsize].reshape(-1, 1, 28, 28))
            probabilities.append(F.softmax(cnn.fc2(h), dim=1).numpy())
            features.append(h.numpy())
    return (np.concatenate(probabilities).astype(np.float64),
            np.concatenate(features).astype(np.float64))


def classifier_score(probabilities, eps=1e-12):
    """exp(E_x KL(p(y|x) || p(y))) for rows p(y|x) of *probabilities*."""
    marginal = probabilities.mean(axis=0)
    kl = (probabilities * (np.log(probabilities + eps) - np.log(marginal + eps))).sum(axis=1)
    return float(np.exp(kl.mean()))


def frechet_distance(a, b):
    """|mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)), as netlib.evaluation.sample_quality."""
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    root_trace = np.sqrt(np.clip(np.linalg.eigvals(cov_a @ cov_b).real, 0, None)).sum()
    return float(((mean_a - mean_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b)
                 - 2 * root_trace)


def quality(cnn, images, reference):
    probabilities, features = classifier_outputs(cnn, images)
    return classifier_score(probabilities), frechet_distance(features, reference)


def generate(gen, z):
    gen.eval()
    with torch.inference_mode():
        return gen(z)


def bounds_of(cnn, x_test, reference, samples):
    """Score and Fréchet distance of held-out real digits (ceiling) and noise (floor)."""
    noise = np.random.RandomState(1).uniform(0, 1, (samples, 784)).astype(np.float32)
    bounds = {}
    for name, images in (('real', x_test[:samples]), ('noise', torch.from_numpy(noise))):
        bounds[f'score_{name}'], bounds[f'frechet_{name}'] = quality(cnn, images, reference)
    return bounds


def main():
    args = add_flags(parser(__doc__.split('\n')[0])).parse_args()
    torch.set_num_threads(args.threads)
    x_train, _ = load_mnist(args.data_dir, 'train', limit=args.train_size)
    x_test, t_test = load_mnist(args.data_dir, 'test')
    cnn = load_classifier(args.classifier)
    if args.check_classifier:
        _, accuracy = evaluate(cnn, x_test.reshape(-1, 1, 28, 28), t_test, 1000)
        print(f'scoring classifier: test accuracy {accuracy:.4f}')
    torch.manual_seed(args.seed)
    gen, dis = Generator(), Discriminator()
    optimizers = {'gen': torch.optim.Adam(gen.parameters(), **ADAM),
                  'dis': torch.optim.Adam(dis.parameters(), **ADAM)}
    _, reference = classifier_outputs(cnn, x_train[:REFERENCE * args.samples])
    bounds = bounds_of(cnn, x_test, reference, args.samples)
    print('held-out real digits: score {score_real:.3f}, Fréchet {frechet_real:.2f}; uniform '
          'noise: score {score_noise:.3f}, Fréchet {frechet_noise:.2f}'.format(**bounds))
    z = torch.from_numpy(np.random.RandomState(0).uniform(-1, 1, (args.samples, N_HIDDEN))
                         .astype(np.float32))  # the same noise every epoch
    log, started = [], time.perf_counter()
    for epoch in range(1, args.epoch + 1):
        record = train_epoch(gen, dis, optimizers, x_train, args.batchsize)
        record['score'], record['frechet'] = quality(cnn, generate(gen, z), reference)
        record.update(epoch=epoch, elapsed_time=time.perf_counter() - started)
        log.append(record)
        print(' '.join(f'{key} {value:.4f}' for key, value in record.items()), flush=True)
    save_checkpoint(args.out, gen=gen.state_dict(), dis=dis.state_dict(),
                    opt_gen=optimizers['gen'].state_dict(),
                    opt_dis=optimizers['dis'].state_dict())
    probabilities, _ = classifier_outputs(cnn, generate(gen, z))
    print_metrics(final_metrics(log, bounds, np.bincount(probabilities.argmax(axis=1),
                                                         minlength=10)))


def final_metrics(log, bounds, classes):
    """netlib's metrics.json numbers for this run."""
    d_accuracy = [(r['dis/acc_real'] + r['dis/acc_fake']) / 2 for r in log]
    window, last = max(1, len(log) // 4), log[-1]
    last_window = float(np.mean(d_accuracy[-window:]))
    return {**bounds, 'score': last['score'], 'frechet': last['frechet'],
            'd_accuracy': dict(zip((r['epoch'] for r in log), d_accuracy)),
            'd_accuracy_first': d_accuracy[0], 'd_accuracy_window': window,
            'd_accuracy_last_window': last_window,
            'd_accuracy_moved_toward_half': abs(d_accuracy[0] - 0.5) - abs(last_window - 0.5),
            'score_share_of_range': (last['score'] - bounds['score_noise'])
            / (bounds['score_real'] - bounds['score_noise']),
            'frechet_share_of_range': (bounds['frechet_noise'] - last['frechet'])
            / (bounds['frechet_noise'] - bounds['frechet_real']),
            'class_counts': classes.tolist(),
            'smallest_class_share': float(classes.min() / classes.sum()),
            'seconds': last['elapsed_time']}


def add_flags(parser):
    """netlib's flags for this run, with its defaults."""
    parser.add_argument('--epoch', type=int, default=12)
    parser.add_argument('--batchsize', type=int, default=100)
    parser.add_argument('--train-size', type=int, default=None)
    parser.add_argument('--samples', type=int, default=1000)
    parser.add_argument('--classifier', required=True, help="netlib's scoring CNN (.npz)")
    parser.add_argument('--check-classifier', action='store_true',
                        help='also print its accuracy on the 10,000 test digits (extra '
                             'work netlib does not do when it loads the file)')
    # netlib's gan_mnist runs with one BLAS thread (kernels.blas_threads(1)): on these
    # small matrices a second thread spins; 2 threads took 13 s an epoch here, 1 took 2.5.
    parser.add_argument('--threads', type=int, default=1, help='PyTorch intra-op threads')
    parser.add_argument('--no-progress', action='store_true', help='accepted; prints no bar')
    return parser


if __name__ == '__main__':
    main()
