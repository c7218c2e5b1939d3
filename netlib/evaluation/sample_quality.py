"""How good generated digits are, seen by a trained MNIST classifier.

* :func:`classifier_score`: the Inception score's formula with an MNIST
  classifier, exp(mean over images of KL(p(y|x) || p(y))); 1 when every image
  gets the same prediction, 10 when each is confidently one digit and the
  digits are equally frequent.
* :func:`frechet_distance`: between Gaussians fitted to the classifier's
  penultimate features of two image sets (the FID's formula); 0 for the same
  distribution.
"""

import chainer
import numpy as np

from netlib.device import to_numpy


def classifier_outputs(cnn, x, batchsize=500):
    """``(probabilities, penultimate features)`` of :class:`KerasMnistCNN` *cnn* for images
    *x* (N, 784 or N, 1, 28, 28), in test mode, as float64 NumPy arrays."""
    probabilities, features = [], []
    with chainer.using_config('train', False), chainer.no_backprop_mode():
        for start in range(0, len(x), batchsize):
            batch = x[start:start + batchsize].reshape(-1, 1, 28, 28)
            h = cnn.penultimate(batch)
            probabilities.append(to_numpy(chainer.functions.softmax(cnn.fc2(h))))
            features.append(to_numpy(h))
    return (np.concatenate(probabilities).astype(np.float64),
            np.concatenate(features).astype(np.float64))


def classifier_score(probabilities, eps=1e-12):
    """exp(E_x KL(p(y|x) || p(y))) for rows p(y|x) of *probabilities*."""
    marginal = probabilities.mean(axis=0)
    kl = (probabilities * (np.log(probabilities + eps) - np.log(marginal + eps))).sum(axis=1)
    return float(np.exp(kl.mean()))


def frechet_distance(a, b):
    """|mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)) between feature rows *a* and *b*.

    Tr((S_a S_b)^(1/2)) is the sum of the square roots of the eigenvalues of
    S_a S_b, which are real and >= 0 (a product of covariance matrices), so no
    matrix square root is needed.
    """
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    root_trace = np.sqrt(np.clip(np.linalg.eigvals(cov_a @ cov_b).real, 0, None)).sum()
    return float(((mean_a - mean_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b)
                 - 2 * root_trace)
