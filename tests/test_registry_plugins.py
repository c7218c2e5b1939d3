"""Any package's experiments: a package of this test's own registers one through the
``netlib.experiments`` entry points (and a command through ``netlib.commands``), and
``netlib list``, ``netlib run``, ``netlib tune`` and :func:`netlib.run` find it as they
find this repository's; a script outside any package runs from its path.  From Python,
bad input raises netlib's error (never an exit), the kernels are put back, and
:func:`netlib.train` leaves no temporary folder."""

import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pytest
from chainer.datasets import TupleDataset

import netlib
from netlib import kernels
from netlib.links.mlp import MLP, Classifier

EXPERIMENT = '''\
"""Two noisy blobs told apart by a tiny MLP: an experiment of a package of its own.

It trains through netlib's shared flags and run folder like any of netlib's.
"""

import numpy as np
from chainer.datasets import TupleDataset

from netlib import cli, optimizers
from netlib.cli import flags
from netlib.links.mlp import MLP, Classifier
from netlib.scale import search
from netlib.training.runs import Run

DEFAULTS = dict(
    epoch=2,
    batchsize=16,
    unit=4,
    optimizer='sgd',
    out='runs/blobs',
)
SEARCH_SPACE = search.Space(maximize='validation/main/accuracy', budget=dict(epoch=1),
                            lr=search.LogUniform(1e-2, 1.0))


def blobs(size, seed):
    random = np.random.RandomState(seed)
    labels = random.randint(0, 2, size).astype(np.int32)
    return TupleDataset((random.randn(size, 2) + 3 * labels[:, None]).astype(np.float32),
                        labels)


def main(argv=None):
    args = flags.parse(argv, __doc__, DEFAULTS)
    run = Run(args)
    model = Classifier(MLP((2, args.unit, 2)))
    optimizer = optimizers.from_args(args, model)
    log = run.fit(model, optimizer, blobs(64, 0), blobs(32, 1), plot='blobs')
    return run.save_metrics({'accuracy': log[-1]['validation/main/accuracy']})


def hello(argv):
    print('hello from a registered command:', *argv)


if __name__ == '__main__':
    cli.run_main(main)
'''


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A folder on sys.path holding the package ``blob_experiments`` and its dist-info."""
    site = tmp_path / 'site'
    (site / 'blob_experiments').mkdir(parents=True)
    (site / 'blob_experiments' / '__init__.py').write_text('')
    (site / 'blob_experiments' / 'blobs.py').write_text(EXPERIMENT)
    info = site / 'blob_experiments-0.1.dist-info'
    info.mkdir()
    (info / 'METADATA').write_text('Metadata-Version: 2.1\nName: blob-experiments\n'
                                   'Version: 0.1\n')
    (info / 'entry_points.txt').write_text(textwrap.dedent('''\
        [netlib.experiments]
        blobs = blob_experiments.blobs

        [netlib.commands]
        hello = blob_experiments.blobs:hello
        '''))
    monkeypatch.syspath_prepend(str(site))
    return site


def netlib_command(*args, site=None, cwd):
    path = os.pathsep.join(filter(None, [str(site or ''), os.environ.get('PYTHONPATH')]))
    return subprocess.run([sys.executable, '-m', 'netlib.cli.command', *map(str, args)],
                          cwd=cwd, env={**os.environ, 'PYTHONPATH': path},
                          capture_output=True, text=True, timeout=600)


def test_netlib_list_shows_a_packages_experiment_beside_ours(package, tmp_path):
    result = netlib_command('list', site=package, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ('blobs  Two noisy blobs told apart by a tiny MLP: an experiment of a package of '
            'its own.\n  from blob_experiments.blobs (blob-experiments 0.1)') in result.stdout
    assert 'mnist_mlp  ' in result.stdout


def test_netlib_run_and_a_registered_command(package, tmp_path):
    result = netlib_command('run', 'blobs', '--epoch', '1', '--out', tmp_path / 'run',
                            site=package, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / 'run' / 'metrics.json').is_file()
    result = netlib_command('hello', 'a', '--b', site=package, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == 'hello from a registered command: a --b\n'


def test_netlib_run_from_python(package, tmp_path):
    metrics = netlib.run('blobs', epoch=1, out=tmp_path / 'run')
    assert 0 <= metrics['accuracy'] <= 1
    assert (tmp_path / 'run' / 'log').is_file()


def test_netlib_tune_searches_a_packages_space(package, tmp_path):
    pytest.importorskip('optuna')
    result = netlib_command('tune', 'blobs', '--trials', '2', '--out', tmp_path / 'study',
                            site=package, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in (tmp_path / 'study').glob('trial-*')) == \
        ['trial-0000', 'trial-0001']
    assert 'best: trial' in result.stdout


def test_a_script_outside_any_package_runs_from_its_path(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, 'path', list(sys.path))  # the script's folder joins it
    script = tmp_path / 'elsewhere' / 'my_blobs.py'
    script.parent.mkdir()
    script.write_text(EXPERIMENT)
    result = netlib_command('run', script, '--epoch', '1', '--out', tmp_path / 'run',
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / 'run' / 'metrics.json').is_file()
    assert 0 <= netlib.run(str(script), epoch=1, out=tmp_path / 'run2')['accuracy'] <= 1


def test_a_bad_flag_raises_the_line_the_command_prints(package, tmp_path):
    with pytest.raises(netlib.NetlibError) as raised:
        netlib.run('blobs', lr=-1, out=tmp_path / 'run')
    assert isinstance(raised.value, netlib.UsageError)
    printed = netlib_command('run', 'blobs', '--lr', '-1', site=package, cwd=tmp_path)
    assert printed.returncode == 2
    assert printed.stderr.strip().endswith(f': error: {raised.value}')
    assert not (tmp_path / 'run').exists()
    with pytest.raises(netlib.UsageError, match="unknown experiment 'no_such'"):
        netlib.run('no_such')
    with pytest.raises(netlib.UsageError, match='no script'):
        netlib.run(str(tmp_path / 'absent.py'))


def test_the_kernels_a_run_chooses_are_put_back(package, tmp_path):
    before = kernels.chosen()
    netlib.run('blobs', epoch=1, kernels='fast' if before != 'fast' else 'chainer',
               out=tmp_path / 'run')
    assert kernels.chosen() == before


def two_blobs(size, seed):
    random = np.random.RandomState(seed)
    labels = random.randint(0, 2, size).astype(np.int32)
    return TupleDataset((random.randn(size, 2) + 3 * labels[:, None]).astype(np.float32),
                        labels)


def test_train_leaves_no_temporary_folder_and_keeps_one_given(tmp_path, monkeypatch):
    scratch = tmp_path / 'tmp'
    scratch.mkdir()
    monkeypatch.setattr(tempfile, 'tempdir', str(scratch))
    trained = netlib.train(Classifier(MLP((2, 4, 2))), two_blobs(64, 0), two_blobs(32, 1),
                           optimizer='sgd', batchsize=16)
    assert trained.out is None and trained.log[-1]['epoch'] == 1
    assert list(scratch.iterdir()) == []
    kept = netlib.train(Classifier(MLP((2, 4, 2))), two_blobs(64, 0), optimizer='sgd',
                        batchsize=16, out=tmp_path / 'kept')
    assert kept.out == tmp_path / 'kept' and (kept.out / 'log').is_file()
