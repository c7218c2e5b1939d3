"""Every bad input exits 2 with one line on stderr and no traceback."""

import importlib.util
import subprocess
import sys

import pytest

from conftest import ROOT

BAD_INPUTS = {
    'unknown optimizer': (['--optimizer', 'nope'], 'choose one of'),
    'unknown optimizer-arg': (['--optimizer-arg', 'foo=1', '--epoch', '3'], "no argument 'foo'"),
    'optimizer without epoch': (['--optimizer-arg', 'foo=1'], 'nothing is trained'),
    'malformed optimizer-arg': (['--optimizer', 'momentum', '--optimizer-arg', 'momentum'],
                                'KEY=VALUE'),
    'non-numeric optimizer-arg': (['--optimizer', 'momentum', '--optimizer-arg',
                                   'momentum=abc'], 'not a number'),
    'negative lr': (['--lr', '-1'], 'positive finite'),
    'zero lr': (['--lr', '0'], 'positive finite'),
    'nan lr': (['--lr', 'nan'], 'positive finite'),
    'infinite lr': (['--lr', 'inf'], 'positive finite'),
    'text lr': (['--lr', 'fast'], 'must be a number'),
    'lr for adadelta': (['--optimizer', 'adadelta', '--lr', '0.1'], 'no learning rate'),
    'zero epochs': (['--epoch', '0'], 'positive integer'),
    'negative epochs': (['--epoch', '-3'], 'positive integer'),
    'malformed units': (['--units', '3,x,1'], 'comma-separated integers'),
    'too few units': (['--units', '3'], 'at least two'),
    'units not 3..1': (['--units', '4,2,1'], 'must start with 3'),
    'bad device': (['--device', 'tpu'], 'unknown --device'),
    'bad device backend': (['--device', '@foo'], 'unknown --device'),
    'negative seed': (['--seed', '-1'], 'between 0 and 2**32 - 1'),
    'huge seed': (['--seed', '99999999999'], 'between 0 and 2**32 - 1'),
    'lr given twice': (['--lr', '0.1', '--optimizer-arg', 'lr=0.2', '--epoch', '3'],
                       'both set the learning rate'),
    'missing snapshot': (['--epoch', '3', '--resume', 'no/such/snapshot'],
                         'no such snapshot file'),
    'empty out': (['--out', ''], 'must name a folder'),
    'layer too large for memory': (['--units', '3,100000000000,1'], 'cannot fit in memory'),
    'prefix of a flag': (['--epo', '3'], 'unrecognized arguments'),
    'old dialect': (['--epochs', '3'], 'unrecognized arguments'),
}


def _run(args, cwd=ROOT):
    return subprocess.run([sys.executable, '-m', 'experiments.steps_regression', *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def _assert_one_line_error(result, expected):
    assert result.returncode == 2
    assert 'Traceback' not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


@pytest.mark.parametrize('case', sorted(BAD_INPUTS))
def test_bad_flag_exits_2_with_one_line(case, tmp_path):
    args, expected = BAD_INPUTS[case]
    out = [] if '--out' in args else ['--out', str(tmp_path / 'run')]
    _assert_one_line_error(_run([*args, *out], cwd=tmp_path), expected)
    assert list(tmp_path.iterdir()) == []  # refused input leaves nothing behind


@pytest.mark.parametrize('args, expected', [
    (['--batchsize', '100000000'], 'must be at most 1,000,000'),
    (['--batchsize', '70000', '--train-size', '100'], 'larger than the 100 training'),
])
def test_a_batch_that_cannot_fit_is_refused(args, expected, tmp_path, data_dir):
    (tmp_path / 'empty').mkdir()  # a user's empty folder is used, and left as it was
    for out in (tmp_path / 'deep' / 'er' / 'run', tmp_path / 'empty'):
        result = subprocess.run([sys.executable, '-m', 'experiments.mnist_mlp', *args,
                                 '--data-dir', str(data_dir), '--out', str(out)],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        _assert_one_line_error(result, expected)
    # the training set's size is known after the run folder was claimed: it is taken back
    assert [path.name for path in tmp_path.rglob('*')] == ['empty']


@pytest.mark.skipif(importlib.util.find_spec('cupy') is not None, reason='CuPy is installed')
def test_gpu_without_cupy_says_how_to_install(tmp_path):
    _assert_one_line_error(_run(['--device', '0', '--out', str(tmp_path / 'run')]),
                           "no CuPy installed (pip install 'netlib[gpu]'")


def test_out_that_is_a_file(tmp_path):
    target = tmp_path / 'taken'
    target.write_text('not a folder')
    _assert_one_line_error(_run(['--out', str(target)]), 'is a file')
    assert target.read_text() == 'not a folder'
