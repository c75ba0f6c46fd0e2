"""The pickle reader builds plain data and numpy arrays, nothing else."""

import io
import os
import pickle
import zipfile

import numpy as np
import pytest

from ember.datasets._npz import load_npz
from ember.datasets._pickle_reader import read_pickle


class _Shell:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


DATA = {
    "ints": [0, 1, 255, 256, 65535, 65536, -1, -(2**31), 2**40, 2**70],
    "floats": [1.5, -0.0, 1e300],
    "text": ["", "abc", "é" * 300],
    "bytes": [b"", b"xyz", bytes(range(256))],
    "tuples": [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)],
    "other": [None, True, False, {"nested": {1: [2]}}],
}


@pytest.mark.parametrize("protocol", range(0, 6))
def test_plain_data_round_trips(protocol):
    assert read_pickle(pickle.dumps(DATA, protocol=protocol)) == DATA


@pytest.mark.parametrize("protocol", range(0, 6))
@pytest.mark.parametrize(
    "array",
    [
        np.arange(24, dtype=np.uint8).reshape(4, 6),
        np.arange(6, dtype=">f8").reshape(2, 3, order="F"),
        np.array([[True, False]]),
        np.zeros((0, 3), dtype=np.int64),
        np.arange(5, dtype=np.int32) - 2,
    ],
)
def test_numeric_arrays(protocol, array):
    result = read_pickle(pickle.dumps({"a": array}, protocol=protocol))["a"]
    np.testing.assert_array_equal(result, array)
    assert result.dtype == array.dtype and result.shape == array.shape
    assert result.flags.f_contiguous == array.flags.f_contiguous
    assert result.flags.writeable


def test_object_array_of_lists():
    array = np.empty(3, dtype=object)
    array[0], array[1], array[2] = [1, 2], [3], []
    result = read_pickle(pickle.dumps(array, protocol=3))
    assert result.dtype == object and result.tolist() == [[1, 2], [3], []]


def test_python2_batch_with_bytes_encoding():
    # What Python 2's cPickle.dump({'labels': [1, 300], 'data': ...}, f, 2)
    # writes: BINSTRING strings, numpy.core globals, a SHORT_BINSTRING
    # buffer of uint8 pixels.
    data = (
        b"\x80\x02}q\x01(U\x06labelsq\x02]q\x03(K\x01M,\x01eU\x04dataq\x04"
        b"cnumpy.core.multiarray\n_reconstruct\nq\x05cnumpy\nndarray\nq\x06"
        b"K\x00\x85U\x01b\x87Rq\x07(K\x01K\x01K\x03\x86cnumpy\ndtype\nq\x08"
        b"U\x02u1K\x00K\x01\x87Rq\t(K\x03U\x01|NNNJ\xff\xff\xff\xffJ\xff\xff"
        b"\xff\xffK\x00tb\x89U\x03\x07\x08\ttbu."
    )
    result = read_pickle(data, encoding="bytes")
    assert result[b"labels"] == [1, 300]
    np.testing.assert_array_equal(
        result[b"data"], np.array([[7, 8, 9]], np.uint8)
    )
    assert read_pickle(data)["labels"] == [1, 300]  # ASCII: str keys


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (pickle.dumps(_Shell(), protocol=0), "names posix.system"),
        (pickle.dumps(_Shell(), protocol=4), "names posix.system"),
        (pickle.dumps(print, protocol=4), "names builtins.print"),
        (b"cbuiltins\neval\n(S'1'\ntR.", "names builtins.eval"),
        # An allowed callable with a forbidden encoding.
        (b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00"
         b"rot13\x86R.", "encoding 'rot13'"),
        # Object construction opcodes are not interpreted.
        (b"\x80\x02(i__main__\nX\n.", "unsupported pickle opcode b'i'"),
        (b"\x80\x02K\x01K\x02.", "stack at stop"),
        (b"\x80\x02X\xff\x00\x00\x00ab", "truncated pickle"),
        (b"\x80\x02cnumpy\ndtype\nX\x03\x00\x00\x00M8s\x85R.", "dtype 'M8s'"),
    ],
)  # fmt: skip
def test_hostile_or_broken_pickles_are_refused(payload, message):
    with pytest.raises(ValueError, match=message):
        read_pickle(payload)


def test_array_data_must_match_its_shape():
    good = pickle.dumps(np.arange(4, dtype=np.uint8), protocol=2)
    # Declare 5 elements for 4 bytes of data.
    bad = good.replace(b"K\x04\x85", b"K\x05\x85", 1)
    assert bad != good
    with pytest.raises(ValueError, match="wrong size"):
        read_pickle(bad)


def _npz(members: dict) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, raw in members.items():
            archive.writestr(name, raw)
    buffer.seek(0)
    return buffer


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def test_npz_reads_numeric_and_object_members(tmp_path):
    ragged = np.empty(2, dtype=object)
    ragged[0], ragged[1] = [1, 2, 3], [4]
    path = tmp_path / "f.npz"
    np.savez(path, x=ragged, y=np.arange(3))
    arrays = load_npz(str(path))
    assert arrays["x"].tolist() == [[1, 2, 3], [4]]
    np.testing.assert_array_equal(arrays["y"], np.arange(3))


def test_npz_object_member_with_code_is_refused(tmp_path):
    header = _npy(np.empty(1, dtype=object))
    start = header.index(b"\x80")
    hostile = header[:start] + pickle.dumps(_Shell(), protocol=3)
    path = tmp_path / "hostile.npz"
    path.write_bytes(_npz({"x.npy": hostile}).getvalue())
    with pytest.raises(ValueError, match="member x.npy: pickle names posix"):
        load_npz(str(path))
