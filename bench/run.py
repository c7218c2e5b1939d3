"""``make bench``: netlib against PyTorch CPU and the matrix-multiply limit, in one run.

First whole runs (:mod:`bench.whole_runs`): each experiment's whole process
at a short setting, then ``mnist_cnn`` and ``char_lm`` at the setting a user
runs, against its PyTorch twin's, as a user waits for them.
Then the finer view, inside one process.  For each measurement the three
sides run alternately (netlib, PyTorch, sgemm limit; again; again) so that a
change in the machine's load hits all three alike, and the median of the
repetitions is reported:

* MLP epoch: ``experiments/mnist_mlp.py`` for one epoch (784-1000-1000-10,
  Adam, batch 100, training plus the test-set evaluation), against the same in
  PyTorch, against the limit: the epoch's matrix products alone, at their own
  shapes, timed with NumPy's sgemm on the spot;
* Keras CNN: a fixed number of training iterations (batch 128, AdaDelta),
  extrapolated to one epoch of 60,000 images;
* inference: the 0.9352 network over the 10,000 test images: netlib in 10
  products of 1,000 (``evaluation.predict``), PyTorch in the post's batches of
  100 and, for the same work, in batches of 1,000.

Every ratio comes in two columns (:mod:`bench.columns`): with this machine's
OpenBLAS settings, and as on a user's machine, with ``OPENBLAS_CORETYPE`` and
``OPENBLAS_L2_SIZE`` removed from the environment of the commands the bench
launches.  Where this machine sets either, the whole runs run netlib a third
time each round without them, and the finer view runs again in a child process
(``--finer-only``) without them; where it sets neither, the second column is
the first.

Writes ``bench/results.json`` (the ratios, both columns, issue 25's targets
from :mod:`bench.targets` met or not, the bench's own wall seconds) and prints
the ratios netlib/PyTorch and netlib/limit beside the targets.
"""

import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import netlib.compat  # noqa: F401  (first: chainer 7.8.1 on NumPy 2)
import chainer
import numpy as np

from bench import columns, targets, whole_runs
from experiments import mnist_inference, mnist_mlp
from netlib import cli, evaluation, files, kernels, optimizers
from netlib.cli import flags, memory
from netlib.links.convnets import KerasMnistCNN
from netlib.datasets.mnist import get_mnist, load_mnist
from netlib.links.mlp import Classifier
from netlib.training.seed import set_seed
from netlib.iterators import batch_iterator, converter_for

HERE = Path(__file__).resolve().parent
TORCH_PYTHON = HERE / '.venv-torch' / 'bin' / 'python'
CNN_ITERATIONS_PER_EPOCH = 60000 / 128
MLP_LAYERS = ((784, 1000), (1000, 1000), (1000, 10))
INFERENCE_PASSES = 10  # one pass takes ~10 ms: a sample is the mean of ten


def parse_args(argv):
    parser = cli.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--whole-runs', nargs='*', default=whole_runs.NAMES,
                        choices=whole_runs.NAMES, metavar='NAME',
                        help='experiments timed as whole runs against their PyTorch twins '
                             '(none: only the finer view)')
    parser.add_argument('--repeats', type=flags.positive_int, default=3,
                        help='alternating repetitions of each measurement (median reported)')
    parser.add_argument('--cnn-iterations', type=flags.positive_int, default=30,
                        help='training iterations timed for the CNN')
    parser.add_argument('--data-dir', default=None, help='folder holding mnist/ and dlfs/')
    parser.add_argument('--output', type=Path, default=HERE / 'results.json')
    parser.add_argument('--finer-only', action='store_true',
                        help='only the finer view, in this environment, into --output (how '
                             'the bench measures it as on a user\'s machine)')
    return parser.parse_args(argv)


def gemm_seconds(shapes, repeats=5):
    """Seconds NumPy's sgemm takes for the products (m, k, n, count) of one iteration.

    The floor for any NumPy-based framework: the same matrix products at the
    network's own shapes, with nothing else.  Best of *repeats*.
    """
    rng = np.random.RandomState(0)
    operands = [(rng.rand(m, k).astype(np.float32), rng.rand(k, n).astype(np.float32), count)
                for m, k, n, count in shapes]

    def products():
        for a, b, count in operands:
            for _ in range(count):
                a @ b

    products()
    return min(_seconds(products) for _ in range(repeats))


def _seconds(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def mlp_gemms(batch=100):
    """Forward, weight-gradient and input-gradient products of one MLP iteration."""
    forward = [(batch, n_in, n_out, 1) for n_in, n_out in MLP_LAYERS]
    weights = [(n_out, batch, n_in, 1) for n_in, n_out in MLP_LAYERS]
    inputs = [(batch, n_out, n_in, 1) for n_in, n_out in MLP_LAYERS[1:]]  # none for x
    return forward + weights + inputs


def mlp_limit_seconds():
    """One epoch's products: 600 training iterations and 100 test batches."""
    training = gemm_seconds(mlp_gemms()) * 600
    testing = gemm_seconds([(100, n_in, n_out, 1) for n_in, n_out in MLP_LAYERS]) * 100
    return training + testing


def cnn_limit_seconds(iterations, batch=128):
    """The Keras CNN's products (convolutions as im2col GEMMs, one per image)."""
    conv1 = [(32, 9, 676, batch), (32, 676, 9, batch)]                      # no input grad
    conv2 = [(64, 288, 576, batch), (64, 576, 288, batch), (288, 64, 576, batch)]
    dense = [(batch, 9216, 128, 1), (128, batch, 9216, 1), (batch, 128, 9216, 1),
             (batch, 128, 10, 1), (10, batch, 128, 1), (batch, 10, 128, 1)]
    return gemm_seconds(conv1 + conv2 + dense, repeats=3) * iterations


def netlib_mlp_epoch(data_dir):
    """One epoch of ``experiments/mnist_mlp.py`` at its defaults, by LogReport's clock.

    That clock covers the training iterations and the test pass (what the
    PyTorch side times), not building the Trainer or writing the snapshot.
    """
    with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(io.StringIO()):
        metrics = mnist_mlp.main(['--epoch', '1', '--out', out,
                                  *(['--data-dir', data_dir] if data_dir else [])])
    return metrics['seconds_per_epoch']


@kernels.using('fast')  # as a CPU run does by default
def netlib_cnn_iterations(data_dir, iterations):
    """*iterations* Keras-CNN updates as ``experiments/mnist_cnn.py`` makes them."""
    memory.reuse_freed_memory()  # as every netlib program does at start
    set_seed(0)
    train, _ = get_mnist(data_dir, shape='image')
    model = Classifier(KerasMnistCNN())
    optimizer = optimizers.setup(optimizers.create('adadelta'), model)
    iterator = batch_iterator(train, 128)
    updater = chainer.training.updaters.StandardUpdater(iterator, optimizer,
                                                        converter=converter_for(iterator))
    for _ in range(2):  # warm-up, as on the PyTorch side
        updater.update()
    return _seconds(lambda: [updater.update() for _ in range(iterations)])


@kernels.using('fast')
def netlib_inference(data_dir):
    """The 0.9352 network over the 10,000 test images in products of 1,000 (``predict``'s
    default), as mnist_inference's own predictions use the graph-free kernels."""
    x, _ = load_mnist(data_dir, split='test')
    model = mnist_inference.load_model(data_dir, chainer.get_device('@numpy'))
    evaluation.predict(model, x)  # warm-up
    return _seconds(lambda: [evaluation.predict(model, x)
                             for _ in range(INFERENCE_PASSES)]) / INFERENCE_PASSES


def torch_measure(what, folder, *extra):
    command = [str(TORCH_PYTHON), str(HERE / 'torch_reference.py'), what, '--data', folder,
               *extra]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(completed.stdout)['seconds']


def export_mnist(data_dir, folder):
    """The MNIST arrays as .npy files for the PyTorch process."""
    for split in ('train', 'test'):
        x, t = load_mnist(data_dir, split=split)
        np.save(f'{folder}/x_{split}.npy', x)
        np.save(f'{folder}/t_{split}.npy', t)


def alternate(repeats, sides):
    """Run every side once per round, *repeats* rounds; the median of each side."""
    samples = {name: [] for name in sides}
    for round_number in range(1, repeats + 1):
        for name, measure in sides.items():
            samples[name].append(measure())
            print(f'  round {round_number}: {name:8s} {samples[name][-1]:8.3f}', flush=True)
    return {name: statistics.median(values) for name, values in samples.items()}, samples


def main(argv=None):
    started = time.perf_counter()
    args = parse_args(argv)
    if not TORCH_PYTHON.exists():
        raise SystemExit(f'{TORCH_PYTHON} is missing: run `make bench`, which creates it')
    if args.finer_only:
        files.write_json(args.output, finer_view(args))
        return
    separate = bool(columns.variables_set(os.environ))  # else the user's column is this one
    users_environment = columns.users_environment(os.environ) if separate else None
    report = ({'whole_runs': whole_run_view(args, users_environment)}
              if args.whole_runs else {})
    report.update(finer_view(args))
    report['ratios'].update(whole_run_ratios(report, 'ratio'))
    users_measured = users_column(args, report) if separate else None
    report['columns'] = columns.build(os.environ, report['ratios'], users_measured)
    report['targets'] = targets.bounds(report['ratios'])
    report.update(repeats=args.repeats, cnn_iterations=args.cnn_iterations,
                  machine={'cores': len(os.sched_getaffinity(0)), 'numpy': np.__version__,
                           'chainer': chainer.__version__},
                  bench_seconds=time.perf_counter() - started)
    files.write_json(args.output, report)
    print_whole_runs(report.get('whole_runs', {}))
    print('\n'.join(columns.table(report['columns'])))
    print(f'The bench took {report["bench_seconds"] / 60:.1f} minutes -> {args.output}')


def whole_run_ratios(report, which):
    """``{NAME_whole_run_netlib_over_pytorch: ratio}`` of one column (*which*: the key
    of each whole run's ratio)."""
    return {f'{name}{targets.WHOLE_RUN}': run[which]
            for name, run in report.get('whole_runs', {}).items()}


def users_column(args, report):
    """``{'ratios', 'finer_view'}`` as on a user's machine: the whole runs' netlib side
    without the OpenBLAS variables, and the finer view again in a child process without
    them (its own netlib, PyTorch and limit)."""
    print("Finer view as on a user's machine: a child process without "
          + ' and '.join(columns.VARIABLES), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / 'finer.json'
        command = [sys.executable, '-m', 'bench.run', '--finer-only', '--output', str(output),
                   '--repeats', str(args.repeats), '--cnn-iterations', str(args.cnn_iterations),
                   *(['--data-dir', args.data_dir] if args.data_dir else [])]
        subprocess.run(command, cwd=HERE.parent, check=True,
                       env=columns.users_environment(os.environ))
        finer = json.loads(output.read_text())
    return {'ratios': {**finer['ratios'], **whole_run_ratios(report, 'ratio_users_machine')},
            'finer_view': finer}


def whole_run_view(args, users_environment=None):
    """Each experiment's whole process against its twin's: medians, ratio (and the ratio
    as on a user's machine, given *users_environment*), samples."""
    print(f'Whole runs (wall seconds), {args.repeats} alternating rounds, after a warm-up '
          'for each experiment\'s first setting')
    measured = whole_runs.measure(args.whole_runs, args.repeats, args.data_dir,
                                  users_environment)
    view = {}
    for name, samples in measured.items():
        sides = [side for side in samples if side != 'metrics']
        medians = {side: statistics.median(samples[side]) for side in sides}
        experiment, flags = whole_runs.experiment_and_flags(name)
        view[name] = {'experiment': experiment, 'setting': ' '.join(flags),
                      'label': whole_runs.label(name), 'seconds': medians,
                      'ratio': medians['netlib'] / medians['pytorch'],
                      'samples': {side: samples[side] for side in sides},
                      'metrics': samples['metrics']}
        if whole_runs.USERS_SIDE in medians:
            view[name]['ratio_users_machine'] = (medians[whole_runs.USERS_SIDE]
                                                 / medians['pytorch'])
    return view


def print_whole_runs(view):
    for name, run in view.items():
        seconds = run['seconds']
        users = (f'  netlib as on a user\'s machine {seconds[whole_runs.USERS_SIDE]:6.2f} s'
                 if whole_runs.USERS_SIDE in seconds else '')
        print(f'{name:26s} {run["setting"]:40s} netlib {seconds["netlib"]:6.2f} s  PyTorch '
              f'{seconds["pytorch"]:6.2f} s  ratio {run["ratio"]:.2f}{users}')


def finer_view(args):
    """Inside one process: an MLP epoch, CNN iterations, inference, and the limits."""
    with tempfile.TemporaryDirectory() as folder:
        export_mnist(args.data_dir, folder)
        print('MLP epoch (seconds): netlib, PyTorch, sgemm limit')
        mlp, mlp_samples = alternate(args.repeats, {
            'netlib': lambda: netlib_mlp_epoch(args.data_dir),
            'pytorch': lambda: torch_measure('mlp_epoch', folder),
            'limit': mlp_limit_seconds})
        print(f'Keras CNN, {args.cnn_iterations} iterations (seconds)')
        cnn, cnn_samples = alternate(args.repeats, {
            'netlib': lambda: netlib_cnn_iterations(args.data_dir, args.cnn_iterations),
            'pytorch': lambda: torch_measure('cnn_iterations', folder, '--iterations',
                                             str(args.cnn_iterations)),
            'limit': lambda: cnn_limit_seconds(args.cnn_iterations)})
        print('Inference of the 0.9352 network, 10,000 images (seconds): netlib in 10 '
              'products, PyTorch in batches of 100 (the post\'s) and of 1,000')
        inference, inference_samples = alternate(args.repeats, {
            'netlib': lambda: netlib_inference(args.data_dir),
            'pytorch': lambda: torch_measure('inference', folder, '--passes',
                                             str(INFERENCE_PASSES)),
            'pytorch_1000': lambda: torch_measure('inference', folder, '--batchsize', '1000',
                                                  '--passes', str(INFERENCE_PASSES))})
    per_epoch = CNN_ITERATIONS_PER_EPOCH / args.cnn_iterations
    return {
        'mlp_epoch_seconds': mlp,
        'cnn_epoch_seconds': {name: value * per_epoch for name, value in cnn.items()},
        'inference_images_per_second': {name: 10000 / value
                                        for name, value in inference.items()},
        'ratios': {
            'mlp_netlib_over_pytorch': mlp['netlib'] / mlp['pytorch'],
            'mlp_netlib_over_limit': mlp['netlib'] / mlp['limit'],
            'cnn_netlib_over_pytorch': cnn['netlib'] / cnn['pytorch'],
            'cnn_netlib_over_limit': cnn['netlib'] / cnn['limit'],
            'inference_netlib_over_pytorch': inference['netlib'] / inference['pytorch'],
            'inference_same_batch_netlib_over_pytorch':
                inference['netlib'] / inference['pytorch_1000'],
        },
        'samples': {'mlp': mlp_samples, 'cnn': cnn_samples, 'inference': inference_samples},
    }


if __name__ == '__main__':
    cli.run_main(main)
