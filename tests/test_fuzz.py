"""Property-based fuzzing: every input is parsed or refused with netlib's own error.

Each property runs 2,000 generated cases (about a minute for all three on two
cores); any exception other than DataError/UsageError (or argparse's exit) fails.
"""

import contextlib
import gzip
import io
import pickle
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from experiments import steps_regression
from netlib.cli import flags
from netlib.datasets import fetch
from netlib.datasets.mnist import parse_idx
from netlib.errors import DataError, UsageError
from netlib.serializers.weights import load_weights

FUZZ = settings(max_examples=2000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _idx(magic, dims, payload):
    return struct.pack('>I', magic) + b''.join(struct.pack('>I', d) for d in dims) + payload


# Mostly well-formed headers, so the fuzzer reaches the length and shape checks.
idx_files = st.one_of(
    st.binary(max_size=64),
    st.builds(_idx, st.sampled_from([0x801, 0x803, 0x802, 0x803 | 0x100, 0]),
              st.lists(st.integers(0, 6), max_size=3), st.binary(max_size=256)),
)


@FUZZ
@given(idx_files)
def test_idx_parser_parses_or_refuses(raw):
    try:
        array = parse_idx(raw, 'fuzz')
    except DataError:
        return
    assert array.dtype == np.uint8
    assert array.size == len(raw) - 4 - 4 * array.ndim


@FUZZ
@given(st.binary(max_size=200), st.integers(0, 60))
def test_gunzip_refuses_corrupt_archives(payload, cut):
    packed = gzip.compress(payload)
    damaged = packed[:cut] if cut < len(packed) else packed
    try:
        assert fetch.gunzip(damaged, 'fuzz') == payload
    except DataError:
        assert cut < len(packed)


def _valid_weight_files():
    arrays = {'W1': np.arange(6, dtype='f').reshape(2, 3), 'b1': np.zeros(3, 'f')}
    npz = io.BytesIO()
    np.savez(npz, **arrays)
    return {'.npz': npz.getvalue(), '.pkl': pickle.dumps(arrays, protocol=2)}


VALID_WEIGHTS = _valid_weight_files()


@st.composite
def damaged_weight_files(draw):
    suffix = draw(st.sampled_from(sorted(VALID_WEIGHTS)))
    data = bytearray(VALID_WEIGHTS[suffix])
    for _ in range(draw(st.integers(0, 4))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(data)))
    return suffix, bytes(data[:cut]) if draw(st.booleans()) else bytes(data)


@FUZZ
@given(st.one_of(damaged_weight_files(),
                 st.tuples(st.sampled_from(['.npz', '.pkl']), st.binary(max_size=300))))
def test_weight_loader_loads_or_refuses(case):
    suffix, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f'weights{suffix}'
        path.write_bytes(data)
        try:
            weights = load_weights(path)
        except DataError:
            return
    assert all(isinstance(value, np.ndarray) and value.dtype != object
               for value in weights.values())


# Found by the property above. A BINPUT turned BININT gives a dtype state on which
# numpy 1.26's dtype.__setstate__ crashes the interpreter (a segmentation fault took
# the pytest worker with it); a BINPUT turned BYTEARRAY8 claims 2**62 bytes, which
# the C unpickler tries to allocate. Each runs in its own process so a crash fails
# the test, not the run.
CRASHING_PICKLES = {
    'dtype state': (VALID_WEIGHTS['.pkl'].replace(b'<q\x11', b'<J\x11'), 'dtype'),
    'bytearray claim': (VALID_WEIGHTS['.pkl'].replace(
        b'W1q\x01', b'W1\x96' + (2 ** 62).to_bytes(8, 'little')), 'protocol 5 buffers'),
}


@pytest.mark.parametrize('case', sorted(CRASHING_PICKLES))
def test_a_pickle_that_crashed_numpy_is_refused_in_one_line(case, tmp_path):
    data, says = CRASHING_PICKLES[case]
    path = tmp_path / 'weights.pkl'
    path.write_bytes(data)
    load = ('import sys\nfrom netlib.errors import DataError\n'
            'from netlib.serializers.weights import load_weights\n'
            'try:\n    load_weights(sys.argv[1])\nexcept DataError as err:\n    print(err)')
    result = subprocess.run([sys.executable, '-c', load, str(path)], capture_output=True,
                            text=True, timeout=120)
    assert (result.returncode, result.stderr) == (0, ''), result.stderr[-500:]
    assert says in result.stdout


FLAG_VALUES = {
    '--optimizer': st.sampled_from(['sgd', 'Adam', 'adadelta', 'nope', '', 'momentum']),
    '--lr': st.sampled_from(['0.01', '-1', '0', 'nan', 'inf', '1e309', 'x', '1e-300']),
    '--optimizer-arg': st.sampled_from(['momentum=0.5', 'beta1=x', '=', 'lr', 'eps=1e-9',
                                        'amsgrad=true', 'amsgrad=maybe', 'rho=inf']),
    '--epoch': st.sampled_from(['1', '0', '-2', 'ten', '3.5']),
    '--units': st.sampled_from(['3,2,1', '3,,1', '3', '4,1', '3,-2,1', '3,2,1,', 'a']),
    '--activation': st.sampled_from(['relu', 'tanh', 'gelu']),
    '--frequency': st.sampled_from(['5', '0', 'x']),
    '--weight-decay': st.sampled_from(['0', '-1', '0.1', 'nan']),
    '--grad-clip': st.sampled_from(['1', '0', 'inf']),
    '--seed': st.sampled_from(['1', 'x', '-5']),
}
argument_lists = st.lists(
    st.one_of(st.sampled_from(sorted(FLAG_VALUES)).flatmap(
                  lambda flag: FLAG_VALUES[flag].map(lambda value: [flag, value])),
              st.sampled_from([['--replay-blog'], ['--bogus'], ['stray']]),
              st.text(max_size=8).map(lambda text: [text])),
    max_size=5).map(lambda parts: [word for part in parts for word in part])


@FUZZ
@given(argument_lists)
def test_command_line_parses_or_refuses(argv):
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            args = flags.parse(argv, steps_regression.__doc__, steps_regression.DEFAULTS,
                               steps_regression.add_flags)
            steps_regression.check(args)
        except UsageError:
            return
        except SystemExit as exit_:
            assert exit_.code == 2
            return
    assert args.units[0] == 3 and args.units[-1] == 1
    assert args.lr is None or 0 < args.lr < float('inf')
    assert args.epoch is None or args.epoch > 0
