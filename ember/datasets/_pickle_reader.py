"""A pickle *reader* for the data files of the built-in datasets.

The CIFAR batches are Python pickles, and the IMDB / Reuters `.npz` files
hold numpy object arrays, which numpy stores as pickles. `pickle` itself
would run whatever callable a file names; this module never imports or
calls anything a file names. It interprets the opcodes that plain data
uses (numbers, strings, bytes, tuples, lists, dicts, the memo) on its own
stack, and recognizes exactly three constructions by name, building them
itself:

- `numpy.(_)core.multiarray._reconstruct(numpy.ndarray, ...)` followed by
  its state `(version, shape, dtype, fortran_order, data)`: a numpy array
  made with `np.frombuffer` (numeric dtypes) or filled element by element
  (object dtype); `numpy.(_)core.numeric._frombuffer(data, dtype, shape,
  order)`, protocol 5's spelling, builds the same numeric arrays;
- `numpy.dtype(name, ...)` with its state: a simple numeric, bool or
  object dtype (no structured dtypes);
- `_codecs.encode(text, "latin1")` and `bytes()`: how Python 3 pickles
  `bytes` with protocols 0 to 2.

Anything else (another global, `INST`, `OBJ`, `NEWOBJ`, extensions,
persistent ids) raises `ValueError`: a tampered file cannot run code.
"""

import codecs
import re
import struct

import numpy as np

_ARRAY_GLOBALS = (
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
)
_FROMBUFFER_GLOBALS = (
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
)
_ALLOWED_GLOBALS = frozenset(
    {
        *_ARRAY_GLOBALS,
        *_FROMBUFFER_GLOBALS,
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("_codecs", "encode"),
        ("__builtin__", "bytes"),
        ("builtins", "bytes"),
    }
)
_DTYPE_NAME = re.compile(r"^(b1|[iuf]\d{1,2}|c\d{1,2}|O\d?|\?)$")
_MARK = object()


class _Global:
    def __init__(self, module: str, name: str):
        self.key = (module, name)


class _DtypeStub:
    def __init__(self, name: str):
        if not _DTYPE_NAME.match(name):
            raise ValueError(f"unsupported numpy dtype {name!r} in pickle")
        self.dtype = np.dtype(name)

    def build(self, state):
        if not isinstance(state, tuple) or len(state) < 5:
            raise ValueError("malformed numpy dtype state in pickle")
        order = _text(state[1])
        if state[3] is not None or state[4] is not None:
            raise ValueError("structured numpy dtypes are not supported")
        if order in ("<", ">"):
            self.dtype = self.dtype.newbyteorder(order)
        elif order not in ("|", "="):
            raise ValueError(f"unknown byte order {order!r} in pickle")
        return self


class _ArrayStub:
    def build(self, state):
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            raise ValueError("malformed numpy array state in pickle")
        shape, dtype, fortran, data = state[-4:]
        if not isinstance(dtype, _DtypeStub) or not isinstance(shape, tuple):
            raise ValueError("malformed numpy array state in pickle")
        if dtype.dtype.kind == "O" and isinstance(data, bytes | bytearray):
            raise ValueError("malformed numpy array state in pickle")
        if not all(isinstance(n, int) and n >= 0 for n in shape):
            raise ValueError("malformed numpy array state in pickle")
        size = int(np.prod(shape, dtype=np.int64))
        order = "F" if fortran else "C"
        if dtype.dtype.kind == "O":
            if not isinstance(data, list) or len(data) != size:
                raise ValueError("malformed numpy object array in pickle")
            flat = np.empty(size, dtype=object)
            for i, item in enumerate(data):
                flat[i] = item
            return flat.reshape(shape, order=order)
        if isinstance(data, str):
            data = data.encode("latin1")
        if not isinstance(data, bytes | bytearray) or (
            len(data) != size * dtype.dtype.itemsize
        ):
            raise ValueError("numpy array data in pickle has the wrong size")
        flat = np.frombuffer(data, dtype=dtype.dtype).copy()
        return flat.reshape(shape, order=order)


def _text(value) -> str:
    return value.decode("latin1") if isinstance(value, bytes) else value


def _reduce(function, args):
    if not isinstance(function, _Global) or not isinstance(args, tuple):
        raise ValueError("pickle calls something that is not allowed")
    key = function.key
    if key in _ARRAY_GLOBALS:
        if not args or not (
            isinstance(args[0], _Global) and args[0].key == ("numpy", "ndarray")
        ):
            raise ValueError("pickle reconstructs something not an array")
        return _ArrayStub()
    if key == ("numpy", "dtype"):
        return _DtypeStub(_text(args[0]))
    if key in _FROMBUFFER_GLOBALS and len(args) == 4:
        data, dtype, shape, order = args
        fortran = _text(order) == "F"
        return _ArrayStub().build((shape, dtype, fortran, data))
    if key == ("_codecs", "encode"):
        text, encoding = args
        if _text(encoding).lower() not in ("latin1", "latin-1"):
            raise ValueError(f"pickle uses encoding {encoding!r}")
        return text.encode("latin1")
    if key[1] == "bytes" and args == ():
        return b""
    raise ValueError(f"pickle calls {key[0]}.{key[1]}, which is not allowed")


class _Reader:
    """Runs the opcodes of one pickle on a stack of plain values."""

    def __init__(self, data: bytes, encoding: str):
        self.data = data
        self.pos = 0
        self.encoding = encoding
        self.stack = []
        self.memo = {}

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError("truncated pickle")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def line(self) -> bytes:
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            raise ValueError("truncated pickle")
        text = self.data[self.pos : end]
        self.pos = end + 1
        return text

    def pop_mark(self) -> list:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i] is _MARK:
                items = self.stack[i + 1 :]
                del self.stack[i:]
                return items
        raise ValueError("malformed pickle: no mark")

    def pop(self):
        if not self.stack or self.stack[-1] is _MARK:
            raise ValueError("malformed pickle: empty stack")
        return self.stack.pop()

    def old_string(self, raw: bytes):
        if self.encoding == "bytes":
            return raw
        return raw.decode(self.encoding)

    def global_(self, module: str, name: str):
        if (module, name) not in _ALLOWED_GLOBALS:
            raise ValueError(
                f"pickle names {module}.{name}, which is not allowed"
            )
        self.stack.append(_Global(module, name))

    def build(self):
        state = self.pop()
        target = self.pop()
        if not isinstance(target, _ArrayStub | _DtypeStub):
            raise ValueError("pickle sets the state of an unknown object")
        built = target.build(state)
        self.stack.append(built)
        for key, value in self.memo.items():
            if value is target:
                self.memo[key] = built

    def run(self):
        data, stack = self.data, self.stack
        end = len(data)
        while True:
            pos = self.pos
            if pos >= end:
                raise ValueError("truncated pickle")
            code = data[pos]
            # Small ints fill the word lists of IMDB and Reuters: millions
            # of them, read here without a handler call.
            if code == 0x4B and pos + 2 <= end:  # BININT1
                stack.append(data[pos + 1])
                self.pos = pos + 2
                continue
            if code == 0x4D and pos + 3 <= end:  # BININT2
                stack.append(data[pos + 1] | data[pos + 2] << 8)
                self.pos = pos + 3
                continue
            if code == 0x4A and pos + 5 <= end:  # BININT
                stack.append(
                    int.from_bytes(
                        data[pos + 1 : pos + 5], "little", signed=True
                    )
                )
                self.pos = pos + 5
                continue
            op = self.take(1)
            handler = _OPCODES.get(op)
            if handler is None:
                raise ValueError(f"unsupported pickle opcode {op!r}")
            if handler(self) is _STOP:
                if len(self.stack) != 1:
                    raise ValueError("malformed pickle: stack at stop")
                return self.stack[0]


_STOP = object()


def _setitems(r, items):
    target = r.pop()
    if not isinstance(target, dict) or len(items) % 2:
        raise ValueError("malformed pickle dict")
    for i in range(0, len(items), 2):
        target[items[i]] = items[i + 1]
    r.stack.append(target)


def _extend(r, items):
    target = r.pop()
    if not isinstance(target, list):
        raise ValueError("malformed pickle list")
    target.extend(items)
    r.stack.append(target)


def _get(r, key):
    if key not in r.memo:
        raise ValueError("malformed pickle: unknown memo key")
    r.stack.append(r.memo[key])


def _put(r, key):
    if not r.stack:
        raise ValueError("malformed pickle: empty stack")
    r.memo[key] = r.stack[-1]


def _int_line(r):
    text = r.line()
    value = {b"00": False, b"01": True}.get(text)
    r.stack.append(int(text) if value is None else value)


def _tuple_n(n):
    def op(r):
        items = [r.pop() for _ in range(n)][::-1]
        r.stack.append(tuple(items))

    return op


_OPCODES = {
    b"\x80": lambda r: r.take(1),  # PROTO
    b"\x95": lambda r: r.take(8),  # FRAME
    b".": lambda r: _STOP,
    b"(": lambda r: r.stack.append(_MARK),
    b"0": lambda r: r.pop(),
    b"1": lambda r: r.pop_mark(),
    b"2": lambda r: r.stack.append(r.stack[-1]),
    b"N": lambda r: r.stack.append(None),
    b"\x88": lambda r: r.stack.append(True),
    b"\x89": lambda r: r.stack.append(False),
    b"I": _int_line,
    b"L": lambda r: r.stack.append(int(r.line().rstrip(b"L"))),
    b"J": lambda r: r.stack.append(r.unpack("<i")),
    b"K": lambda r: r.stack.append(r.unpack("<B")),
    b"M": lambda r: r.stack.append(r.unpack("<H")),
    b"\x8a": lambda r: r.stack.append(
        int.from_bytes(r.take(r.unpack("<B")), "little", signed=True)
    ),
    b"\x8b": lambda r: r.stack.append(
        int.from_bytes(r.take(r.unpack("<i")), "little", signed=True)
    ),
    b"G": lambda r: r.stack.append(r.unpack(">d")),
    b"F": lambda r: r.stack.append(float(r.line())),
    b"S": lambda r: r.stack.append(
        r.old_string(codecs.escape_decode(r.line().strip()[1:-1])[0])
    ),
    b"T": lambda r: r.stack.append(r.old_string(r.take(r.unpack("<i")))),
    b"U": lambda r: r.stack.append(r.old_string(r.take(r.unpack("<B")))),
    b"B": lambda r: r.stack.append(r.take(r.unpack("<I"))),
    b"C": lambda r: r.stack.append(r.take(r.unpack("<B"))),
    b"\x8e": lambda r: r.stack.append(r.take(r.unpack("<Q"))),
    b"\x96": lambda r: r.stack.append(bytearray(r.take(r.unpack("<Q")))),
    b"V": lambda r: r.stack.append(r.line().decode("raw-unicode-escape")),
    b"X": lambda r: r.stack.append(r.take(r.unpack("<I")).decode("utf8")),
    b"\x8c": lambda r: r.stack.append(r.take(r.unpack("<B")).decode("utf8")),
    b"\x8d": lambda r: r.stack.append(r.take(r.unpack("<Q")).decode("utf8")),
    b")": lambda r: r.stack.append(()),
    b"t": lambda r: r.stack.append(tuple(r.pop_mark())),
    b"\x85": _tuple_n(1),
    b"\x86": _tuple_n(2),
    b"\x87": _tuple_n(3),
    b"]": lambda r: r.stack.append([]),
    b"l": lambda r: r.stack.append(list(r.pop_mark())),
    b"a": lambda r: _extend(r, [r.pop()]),
    b"e": lambda r: _extend(r, r.pop_mark()),
    b"}": lambda r: r.stack.append({}),
    b"d": lambda r: _dict_from_mark(r),
    b"s": lambda r: _setitems(r, [r.pop(), r.pop()][::-1]),
    b"u": lambda r: _setitems(r, r.pop_mark()),
    b"c": lambda r: r.global_(
        r.line().decode("ascii"), r.line().decode("ascii")
    ),
    b"\x93": lambda r: _stack_global(r),
    b"R": lambda r: _reduce_op(r),
    b"b": lambda r: r.build(),
    b"p": lambda r: _put(r, int(r.line())),
    b"q": lambda r: _put(r, r.unpack("<B")),
    b"r": lambda r: _put(r, r.unpack("<I")),
    b"\x94": lambda r: _put(r, len(r.memo)),
    b"g": lambda r: _get(r, int(r.line())),
    b"h": lambda r: _get(r, r.unpack("<B")),
    b"j": lambda r: _get(r, r.unpack("<I")),
}


def _dict_from_mark(r):
    items = r.pop_mark()
    r.stack.append({})
    _setitems(r, items)


def _stack_global(r):
    name = r.pop()
    module = r.pop()
    if not (isinstance(module, str) and isinstance(name, str)):
        raise ValueError("malformed pickle global")
    r.global_(module, name)


def _reduce_op(r):
    args = r.pop()
    function = r.pop()
    r.stack.append(_reduce(function, args))


def read_pickle(data: bytes, encoding: str = "ASCII"):
    """Returns the plain data (and numpy arrays) stored in a pickle.

    Args:
        data: The pickle's bytes.
        encoding: How Python 2 strings are decoded: `"bytes"` keeps them
            as bytes (as `pickle.load(encoding="bytes")`).

    Raises:
        ValueError: the pickle is malformed or names anything outside
            the plain data and numpy arrays described above.
    """
    return _Reader(bytes(data), encoding).run()
