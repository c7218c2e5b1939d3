"""Every experiment ``make reproduce`` runs, with the blog numbers it must reproduce."""

from experiments.targets import Experiment, Target

CASE_K = 'case-k, Chainer steps (../shared/seeds/case-k-chainer-steps.txt)'
UUUM = ('UUUM, ニューラルネットワーク実装入門 '
        '(../shared/seeds/uuum-neural-network-intro.txt)')
DLFS_CH6 = ('Deep Learning from Scratch, chapter 6: ch06/optimizer_compare_naive.py and '
            'ch06/optimizer_compare_mnist.py '
            '(github.com/oreilly-japan/deep-learning-from-scratch)')

UDACITY = 'Udacity DL nanodegree overview (../shared/seeds/udacity-dl-overview.txt)'
DLFS = 'Deep Learning from Scratch (github.com/oreilly-japan/deep-learning-from-scratch)'

EXPERIMENTS = (
    Experiment(
        name='steps_regression',
        module='experiments.steps_regression',
        args=('--epoch', '100'),
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
    Experiment(
        name='logic_gates',
        module='experiments.logic_gates',
        source=UUUM,
        plots=('xor_loss.png', 'activations.png'),
        targets=(
            # 1.0: the printed table is the gate's truth table, all four rows.
            Target('AND truth table (bias -1, weights 0.5, 0.5)', 'and_table_ok', blog=1.0),
            Target('OR truth table (bias -1, weights 2, 2)', 'or_table_ok', blog=1.0),
            # The post's "flip every sign of AND" fires at (1, 1) under its ">= 0"
            # rule (nand_as_posted_table); negating AND also moves the boundary.
            Target('NAND truth table (AND negated)', 'nand_table_ok', blog=1.0),
            Target('XOR = AND(OR, NAND) truth table', 'xor_table_ok', blog=1.0),
            Target('XOR learnt by an MLP with 2 hidden units', 'xor_mlp_accuracy', blog=1.0,
                   kind='at_least', bound=1.0),
            # The post: one perceptron cannot be XOR; a line gets at most 3 of 4.
            Target('XOR by a single linear layer', 'xor_linear_accuracy', blog=0.75,
                   kind='at_most', bound=0.75),
        )),
    Experiment(
        name='mnist_inference',
        module='experiments.mnist_inference',
        source=UUUM,
        plots=('misclassified.png',),
        targets=(
            Target('Accuracy on the 10,000 test images (batched)', 'accuracy', blog=0.9352),
            Target('Accuracy, one image at a time as in the post', 'per_image_accuracy',
                   blog=0.9352),
        )),
    Experiment(
        name='mnist_mlp',
        module='experiments.mnist_mlp',
        source="Chainer's examples/mnist/train_mnist.py (784-1000-1000-10, Adam, 20 epochs)",
        plots=('loss.png', 'accuracy.png'),
        targets=(
            Target('test accuracy after 20 epochs', 'test_accuracy', blog=0.98,
                   kind='at_least', bound=0.98),
        )),
    Experiment(
        name='optimizer_compare',
        module='experiments.optimizer_compare',
        source=DLFS_CH6,
        plots=('paths.png', 'mnist_loss.png'),
        targets=(
            # Loss after 2000 iterations (mean of the last 20 minibatches); the book
            # prints single minibatches, so the bounds leave room for its noise.
            Target('SGD loss after 2000 iterations', 'final_loss_SGD', blog=0.23,
                   kind='at_most', bound=0.6),
            Target('Momentum loss after 2000 iterations', 'final_loss_Momentum', blog=0.06,
                   kind='at_most', bound=0.2),
            Target('AdaGrad loss after 2000 iterations', 'final_loss_AdaGrad', blog=0.02,
                   kind='at_most', bound=0.1),
            Target('Adam loss after 2000 iterations', 'final_loss_Adam', blog=0.04,
                   kind='at_most', bound=0.15),
        )),
    Experiment(
        name='vanishing_gradient',
        module='experiments.vanishing_gradient',
        source=f'{UDACITY}: sigmoid\'s derivative is at most 1/4, ReLU\'s is 1',
        plots=('derivatives.png', 'gradient_norms.png', 'loss.png'),
        targets=(
            Target("max of sigmoid' by autograd", 'sigmoid_derivative_max', blog=0.25),
            # Gradient norm of the first layer's W over the output layer's, 10 hidden layers.
            Target('sigmoid first/last-layer gradient ratio at initialisation',
                   'sigmoid_grad_ratio', blog=1e-2, kind='at_most', bound=1e-2),
            Target('sigmoid first/last-layer gradient ratio after training',
                   'sigmoid_grad_ratio_trained', blog=1e-2, kind='at_most', bound=1e-2),
            Target('relu first/last-layer gradient ratio at initialisation',
                   'relu_grad_ratio', blog=1e-1, kind='at_least', bound=1e-1),
        )),
    Experiment(
        name='weight_init',
        module='experiments.weight_init',
        source=f'{DLFS}, ch06/weight_init_activation_histogram.py and '
               'ch06/weight_init_compare.py',
        plots=('activations_sigmoid.png', 'activations_relu.png', 'loss.png'),
        targets=(
            # ln 10 = 2.303 is the loss of a net that guesses uniformly.
            Target('std 0.01 barely learns: training loss after 2000 iterations',
                   'std001_final_loss', blog=2.303, kind='at_least', bound=2.0),
            Target('He learns fastest: He minus Xavier training loss after 2000 iterations',
                   'he_minus_xavier_final_loss', blog=0.0, kind='at_most', bound=0.0),
        )),
    Experiment(
        name='batch_norm',
        module='experiments.batch_norm',
        source=f'{UDACITY}: batch normalization; {DLFS}, ch06/batch_norm_test.py',
        plots=('accuracy_grid.png', 'final_accuracy.png'),
        targets=(
            # Worst scale: the initial weight std where the plain net ends lowest.
            Target('batch norm minus plain training accuracy at the worst scale',
                   'batchnorm_minus_plain_at_worst_scale', blog=0.0, kind='at_least',
                   bound=0.1),
        )),
    Experiment(
        name='overfit_dropout',
        module='experiments.overfit_dropout',
        source=f'{DLFS}, ch06/overfit_dropout.py and ch06/overfit_weight_decay.py',
        plots=('accuracy.png', 'gap.png'),
        targets=(
            # Gap: training minus test accuracy after 200 epochs on 300 images.
            Target('dropout 0.2 gap minus plain gap', 'dropout_gap_minus_plain_gap',
                   blog=0.0, kind='at_most', bound=-0.02),
            Target('weight decay 0.1 gap minus plain gap', 'weight_decay_gap_minus_plain_gap',
                   blog=0.0, kind='at_most', bound=-0.02),
        )),
    Experiment(
        name='autoencoder',
        module='experiments.autoencoder',
        source=f'{UDACITY}: autoencoder',
        plots=('reconstructions.png', 'mse_vs_mean_image.png'),
        targets=(
            Target('autoencoder test MSE / MSE of predicting the mean image', 'mse_ratio',
                   blog=0.5, kind='at_most', bound=0.5),
        )),
    Experiment(
        name='mnist_cnn',
        module='experiments.mnist_cnn',
        source="Cresco, Keras's mnist_cnn.py with epochs=2 "
               '(../shared/seeds/cresco-keras-mnist-cnn.txt)',
        plots=('loss.png', 'accuracy.png'),
        targets=(
            Target('Test accuracy after 2 epochs', 'test_accuracy', blog=0.9871,
                   kind='at_least', bound=0.985),
            Target('Test loss after 2 epochs', 'test_loss', blog=0.04046422747756005,
                   kind='at_most', bound=0.05),
        )),
    Experiment(
        name='byte_cnn',
        module='experiments.byte_cnn',
        source='palloc, CNN from scratch, JPEG vs .exe from 8 bytes '
               '(../shared/seeds/palloc-cnn-scratch.txt)',
        plots=('confusion.png', 'loss.png', 'accuracy.png'),
        targets=(
            # Windows of files the network never saw in training.
            Target('test accuracy, JPEG vs .exe from 64 bits', 'test_accuracy', blog=0.92,
                   kind='at_least', bound=0.90),
        )),
)
