"""Unpickle numpy arrays without handing a file's bytes to numpy's own unpickling.

A plain ``pickle.load`` runs whatever code the file names, so the unpickler admits
only the globals that rebuild arrays. Even those are unsafe on a damaged file:
numpy's ``ndarray.__setstate__`` and ``dtype.__setstate__`` trust their arguments,
and a pickle with one flipped byte crashes the interpreter inside them. So here the
admitted globals build plain records, and each array is made from its checked
record with ``np.frombuffer``: numpy never sees a value the file chose unchecked.
The unpickler is Python's pure-Python one without protocol 5's buffer opcodes: the C
one, given a damaged BYTEARRAY8, allocates the length the file claims and leaves a
"deallocated bytearray object has exported buffers" error behind.
"""

import io

import math
import pickle
import re
from collections import OrderedDict

import numpy as np

from netlib.errors import DataError

__all__ = ["unpickle_arrays"]

# Plain numeric dtypes, as pickles name them: bool, (un)signed ints, floats, complex.
_NUMERIC_DTYPE = re.compile(r"b1|[iu][1248]|f[248]|c(8|16)")
_BYTE_ORDERS = {"<", ">", "|", "="}


def unpickle_arrays(data):
    """The object the pickle ``data`` (bytes) holds, its arrays rebuilt and checked.

    ``latin1`` lets Python 2 pickles of arrays load.
    """
    loaded = _ArrayUnpickler(io.BytesIO(data), encoding="latin1").load()
    if isinstance(loaded, dict):
        return {name: _built(value) for name, value in loaded.items()}
    return _built(loaded)


class _NdarrayName:
    """Stands for ``numpy.ndarray`` where a pickle names it."""


class _DtypeRecord:
    """What a pickle says of a dtype: its name and byte order, checked when used."""

    def __init__(self, name, align=False, copy=True):
        self.name, self.byte_order = name, "="

    def __setstate__(self, state):
        # (version, byte order, subarray, names, fields, size, alignment, flags)
        if not (isinstance(state, tuple) and len(state) == 8
                and state[2:5] == (None, None, None)):
            raise DataError(f"a dtype's state {state!r:.80} is not a plain number type's")
        self.byte_order = state[1]

    def dtype(self):
        if not (isinstance(self.name, str) and _NUMERIC_DTYPE.fullmatch(self.name)
                and self.byte_order in _BYTE_ORDERS):
            raise DataError(f"dtype {self.name!r:.40} (byte order {self.byte_order!r:.10}) "
                            "is not a plain number type")
        return np.dtype(self.byte_order + self.name)


class _ArrayRecord:
    """What a pickle says of an array; :func:`_built` checks it and makes the array."""

    state = None

    def __setstate__(self, state):
        self.state = state


def _reconstruct(cls, shape, typecode):
    if cls is not _NdarrayName:
        raise DataError(f"_reconstruct of {cls!r:.40}, not of numpy.ndarray")
    return _ArrayRecord()


def _scalar(dtype_record, data):
    dtype = _checked_dtype(dtype_record)
    return np.frombuffer(_checked_bytes(data, dtype.itemsize), dtype)[0]


def _encode(text, encoding):
    if not (isinstance(text, str) and encoding in ("latin1", "latin-1")):
        raise DataError(f"_codecs.encode of {type(text).__name__} to {encoding!r:.20}")
    return text.encode("latin1")


def _empty_bytes():
    return b""


def _built(value):
    """An :class:`_ArrayRecord` made into its array; anything else as it is."""
    if not isinstance(value, _ArrayRecord):
        return value
    state = value.state
    if not (isinstance(state, tuple) and len(state) == 5):
        raise DataError(f"an array's state {state!r:.80} is not (version, shape, "
                        "dtype, fortran order, data)")
    _, shape, dtype_record, fortran_order, data = state
    dtype = _checked_dtype(dtype_record)
    if not (isinstance(shape, tuple) and all(type(n) is int and n >= 0 for n in shape)
            and type(fortran_order) is bool):
        raise DataError(f"an array's shape {shape!r:.40} or order {fortran_order!r:.10} "
                        "is not valid")
    data = _checked_bytes(data, math.prod(shape) * dtype.itemsize)
    flat = np.frombuffer(data, dtype)
    return flat.reshape(shape, order="F" if fortran_order else "C").copy(order="K")


def _checked_dtype(record):
    if not isinstance(record, _DtypeRecord):
        raise DataError(f"an array's dtype is a {type(record).__name__}, not a dtype")
    return record.dtype()


def _checked_bytes(data, size):
    """``data`` as bytes of exactly ``size``; Python 2 pickles hold it as text."""
    if isinstance(data, str):
        data = data.encode("latin1")
    if not isinstance(data, bytes):
        raise DataError(f"an array's data is a {type(data).__name__}, not bytes")
    if len(data) != size:
        raise DataError(f"an array's data is {len(data)} bytes where its shape and "
                        f"dtype need {size}")
    return data


# numpy 2 pickles name numpy._core where numpy 1 wrote numpy.core; _codecs.encode
# turns text into bytes in protocol-2 pickles, which call bytes() for an empty array's
# data; OrderedDict is a plain mapping.
_ADMITTED_GLOBALS = {
    ("numpy", "ndarray"): _NdarrayName,
    ("numpy", "dtype"): _DtypeRecord,
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.multiarray", "scalar"): _scalar,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "scalar"): _scalar,
    ("_codecs", "encode"): _encode,
    ("__builtin__", "bytes"): _empty_bytes,
    ("builtins", "bytes"): _empty_bytes,
    ("collections", "OrderedDict"): OrderedDict,
}


_BUFFER_OPCODES = {pickle.BYTEARRAY8[0], pickle.NEXT_BUFFER[0], pickle.READONLY_BUFFER[0]}


def _refuse_buffer(unpickler):
    raise DataError("the pickle holds protocol 5 buffers, which no array of weights needs")


class _ArrayUnpickler(pickle._Unpickler):  # Python's pure-Python unpickler
    """An unpickler whose only globals are the records above."""

    dispatch = {**pickle._Unpickler.dispatch,
                **{opcode: _refuse_buffer for opcode in _BUFFER_OPCODES}}

    def find_class(self, module, name):
        """The admitted stand-in, or a refusal: any other global could run code."""
        if (module, name) not in _ADMITTED_GLOBALS:
            raise DataError(f"weight file refused: the restricted unpickler refuses to "
                            f"load {module}.{name} (only numpy arrays are allowed)")
        return _ADMITTED_GLOBALS[(module, name)]
