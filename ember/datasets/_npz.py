"""Reads `.npz` files without unpickling.

Numeric members load with `np.load(allow_pickle=False)`. Object members
(the ragged sequences of IMDB and Reuters) are pickles inside the `.npy`
format; their header is parsed by numpy and their body by
`ember.datasets._pickle_reader`, which builds only plain data and arrays.
"""

import io
import zipfile

import numpy as np

from ember.datasets._pickle_reader import read_pickle


def _read_npy(raw: bytes, where: str) -> np.ndarray:
    stream = io.BytesIO(raw)
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
    elif version in ((2, 0), (3, 0)):
        # 3.0 differs from 2.0 only in the header's text encoding.
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
    else:
        raise ValueError(f"{where}: unsupported .npy version {version}")
    if not dtype.hasobject:
        stream.seek(0)
        return np.lib.format.read_array(stream, allow_pickle=False)
    array = read_pickle(raw[stream.tell() :])
    if not isinstance(array, np.ndarray) or array.shape != tuple(shape):
        raise ValueError(
            f"{where}: the stored object array does not match its header "
            f"(shape {shape})"
        )
    return array


def load_npz(path: str) -> dict:
    """Returns the arrays of an `.npz` file as a dict, never unpickling.

    Raises:
        ValueError: a member is malformed or its pickle names anything but
            plain data and numpy arrays.
    """
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.endswith(".npy"):
                continue
            where = f"{path} member {name}"
            try:
                arrays[name[: -len(".npy")]] = _read_npy(
                    archive.read(name), where
                )
            except ValueError as error:
                if str(error).startswith(where):
                    raise
                raise ValueError(f"{where}: {error}") from None
    return arrays
