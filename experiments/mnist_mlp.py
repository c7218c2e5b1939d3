"""Train a classification MLP on MNIST with Chainer's Trainer (Chainer's own MNIST example).

The default is that example's network: 784-1000-1000-10 with ReLU, Adam,
batch 100, 20 epochs; it reaches about 98 % test accuracy.  Flags follow
``chainer/examples/mnist/train_mnist.py`` (``--batchsize``, ``--epoch``,
``--unit``, ``--device``, ``--out``, ``--resume``) plus netlib's optimizer
flags.  Interrupt it (Ctrl-C) and run the same command with ``--resume`` to
continue from the last snapshot.
"""

from netlib import cli, optimizers, runs, steps, training
from netlib.datasets.mnist import get_mnist
from netlib.device import get_device
from netlib.networks import MLP, Classifier
from netlib.seed import set_seed


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--unit', '-u', type=cli.positive_int, default=1000,
                        help='number of units in each of the two hidden layers')
    parser.add_argument('--activation', default='relu', choices=sorted(steps.ACTIVATIONS),
                        help='activation between layers')
    training.add_arguments(parser, batchsize=100, epoch=20)
    training.add_data_arguments(parser)
    optimizers.add_arguments(parser, default='adam')
    cli.add_run_arguments(parser, out_default='runs/mnist_mlp')
    args = parser.parse_args(argv)
    optimizers.validate(args)
    return args


def main(argv=None):
    args = parse_args(argv)
    device = get_device(args.device)
    set_seed(args.seed)
    train_data, test_data = get_mnist(args.data_dir, train_limit=args.train_size,
                                      test_limit=args.test_size)
    out = training.prepare_out(args)
    runs.save_args(out, args)
    model = Classifier(MLP((784, args.unit, args.unit, 10), args.activation))
    model.to_device(device)
    optimizer = optimizers.from_args(args, model)
    print(f'MNIST MLP 784-{args.unit}-{args.unit}-10 ({args.activation}), '
          f'{type(optimizer).__name__}, {len(train_data)} training and '
          f'{len(test_data)} test images, {args.epoch} epochs -> {out}')
    log = training.train(model, optimizer, train_data, test_data, args, out, device,
                         title=f'MNIST MLP ({args.optimizer})')
    metrics = training.final_metrics(log)
    # LogReport's clock: training and test pass, also across --resume
    metrics['seconds_per_epoch'] = log[-1]['elapsed_time'] / log[-1]['epoch']
    runs.save_metrics(out, metrics)
    print(f'test accuracy {metrics["test_accuracy"]:.4f}, test loss '
          f'{metrics["test_loss"]:.4f}')
    return metrics


if __name__ == '__main__':
    cli.run_main(main)
