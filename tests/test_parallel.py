"""Data-parallel training (netlib.scale.parallel, ChainerMN over MPI) at a tiny size.

Two workers with batch b on 2b training images make one update an epoch over
the whole set, as one process with batch 2b does: whatever the shuffle, both
runs see the same images at every update, so only float32 rounding (the
gradient summed in another order) can tell them apart.  On 2 cores the two
workers are slower than one process: this checks correctness, not speed.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT

IMAGES = 200  # 2 workers x 100, or 1 process x 200: one update an epoch over all of them
EPOCHS = 5
# Logged losses and accuracies may differ by 4 ulp of a loss near ln 10 (1 measured).
LOG_ULPS, ULP_OF_LOSS = 4, float(np.spacing(np.float32(2.3)))
# A worker under mpiexec: train_and_save below, from this file.
WORKER = ('import sys; sys.path.insert(0, "tests"); from netlib import cli; '
          'from test_parallel import train_and_save; '
          'cli.run_main(lambda argv: train_and_save(argv[0], argv[1:]), sys.argv[1:])')


def train_and_save(folder, argv):
    """mnist_mlp with *argv*; this rank's parameters after training in folder/rankN.npz."""
    from experiments import mnist_mlp
    from netlib.training import trainer
    original = trainer.fit

    def fit(run, model, *args, **kwargs):
        log = original(run, model, *args, **kwargs)
        rank = 0 if run.comm is None else run.comm.rank
        np.savez(f'{folder}/rank{rank}.npz',
                 **{name: param.array for name, param in model.namedparams()})
        return log

    trainer.fit = fit
    try:
        return mnist_mlp.main(argv)
    finally:
        trainer.fit = original


@pytest.fixture(scope='module', params=['sgd', 'adam'])
def runs(request, mpiexec, data_dir, tmp_path_factory):
    """(two workers of batch 100, one process of batch 200) after EPOCHS updates."""
    tmp = tmp_path_factory.mktemp(f'parallel_{request.param}')
    # SGD with a large step, so the weights move; Adam is the script's default.
    flags = ['--epoch', EPOCHS, '--unit', 50, '--train-size', IMAGES, '--test-size', 100,
             '--data-dir', data_dir, '--optimizer', request.param,
             *(['--lr', 0.5] if request.param == 'sgd' else [])]
    flags = [str(flag) for flag in flags]
    two, one = tmp / 'two', tmp / 'one'
    two.mkdir(), one.mkdir()
    result = subprocess.run([mpiexec, '-n', '2', sys.executable, '-c', WORKER, str(two),
                             *flags, '--batchsize', str(IMAGES // 2), '--communicator', 'naive',
                             '--out', str(two / 'run')],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    train_and_save(one, [*flags, '--batchsize', str(IMAGES), '--out', str(one / 'run')])
    return request.param, (two, result.stdout), one


def test_batch_per_worker_and_total_are_printed_once(runs):
    _, (_, stdout), _ = runs
    assert stdout.count('data-parallel: 2 workers (naive communicator), batch 100 per '
                        'worker, 200 per update') == 1
    assert stdout.count('test accuracy') == 1  # rank 0 alone prints


def test_ranks_end_identical_and_rank0_alone_writes(runs):
    _, (two, _), _ = runs
    rank0, rank1 = np.load(two / 'rank0.npz'), np.load(two / 'rank1.npz')
    assert all(np.array_equal(rank0[name], rank1[name]) for name in rank0.files)
    assert {'args', 'log', 'metrics.json', f'snapshot_epoch_{EPOCHS}'} <= \
        {path.name for path in (two / 'run').iterdir()}
    assert sorted(path.name for path in two.iterdir()) == ['rank0.npz', 'rank1.npz', 'run']


def test_weights_equal_one_process_of_the_total_batch(runs):
    """To float32 rounding of the weights: some units in the last place (ulp).

    The two runs differ only in how the gradient is summed (two means of 100
    averaged, or one mean of 200).  SGD's update is linear in it: measured,
    each layer's weights differ by at most 3 ulp of its largest weight after 5
    updates.  Adam divides by the root of the mean square gradient, which
    magnifies the rounding of gradients near zero: measured 26 ulp of the
    first layer's largest weight (3.8e-7 at 0.17), at most 4 ulp elsewhere.
    The bounds allow 4x the worst measured.
    """
    optimizer, (two, _), one = runs
    ulps = {'sgd': 12, 'adam': 100}[optimizer]
    parallel, single = np.load(two / 'rank0.npz'), np.load(one / 'rank0.npz')
    for name in single.files:
        tolerance = ulps * np.spacing(np.abs(single[name]).max())
        difference = np.abs(parallel[name] - single[name]).max()
        assert difference <= tolerance, f'{name}: {difference:.3g} > {tolerance:.3g}'


def test_log_equals_one_process_of_the_total_batch(runs):
    """Loss and accuracy: the workers' mean against the one process's, each epoch.

    float32 means of 100 or 200 losses near 2.3: measured at most 2.4e-7 apart,
    one ulp of 2.3; the bound allows 4 ulp.
    """
    _, (two, _), one = runs
    parallel = json.loads((two / 'run' / 'log').read_text())
    single = json.loads((one / 'run' / 'log').read_text())
    assert [record['iteration'] for record in parallel] == list(range(1, EPOCHS + 1))
    for mine, theirs in zip(parallel, single):
        for key in ('main/loss', 'main/accuracy', 'validation/main/loss',
                    'validation/main/accuracy'):
            assert mine[key] == pytest.approx(theirs[key], abs=LOG_ULPS * ULP_OF_LOSS)
    assert parallel[-1]['main/loss'] < parallel[0]['main/loss'] - 0.05  # the weights moved
