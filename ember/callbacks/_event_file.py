"""TensorBoard event files written without TensorFlow.

An event file is a sequence of TFRecords (length, masked CRC-32C of the
length, data, masked CRC-32C of the data), each holding one `Event`
protocol buffer. The few messages needed (`Event`, `Summary`,
`SummaryMetadata`, `TensorProto`, `TensorShapeProto`) are encoded here by
hand, with the field numbers of TensorFlow's `.proto` files. Summaries are
written as TensorFlow 2 writes them: tensors tagged with the plugin that
reads them (``scalars``, ``histograms``, ``images``).
"""

import os
import socket
import struct
import threading
import time
import zlib

import numpy as np

# TensorFlow's DataType and SummaryMetadata.DataClass enum values.
DT_FLOAT = 1
DT_DOUBLE = 2
DT_STRING = 7
DATA_CLASS_SCALAR = 1
DATA_CLASS_TENSOR = 2
DATA_CLASS_BLOB_SEQUENCE = 3

_CRC_TABLE = None
_counter = 0
_counter_lock = threading.Lock()


# -- protocol buffer wire format ---------------------------------------------
def varint(value: int) -> bytes:
    """`value` (a non-negative int, or a negative int64) as a varint."""
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return varint(field << 3 | wire_type)


def int_field(field: int, value: int) -> bytes:
    return _key(field, 0) + varint(int(value))


def double_field(field: int, value: float) -> bytes:
    return _key(field, 1) + struct.pack("<d", value)


def bytes_field(field: int, value: bytes | str) -> bytes:
    """A length-delimited field: bytes, a string or an encoded message."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    return _key(field, 2) + varint(len(value)) + value


# -- messages ----------------------------------------------------------------
def _tensor(dtype: int, shape: tuple, payload: bytes) -> bytes:
    """A `TensorProto`; `payload` holds its value field(s)."""
    dims = b"".join(bytes_field(2, int_field(1, size)) for size in shape)
    return int_field(1, dtype) + bytes_field(2, dims) + payload


def _metadata(plugin: str, data_class: int | None, content=b"") -> bytes:
    plugin_data = bytes_field(1, plugin)
    if content:
        plugin_data += bytes_field(2, content)
    message = bytes_field(1, plugin_data)
    if data_class is not None:
        message += int_field(4, data_class)
    return message


def _value(tag: str, metadata: bytes, tensor: bytes) -> bytes:
    """A `Summary.Value` with a tensor and its metadata."""
    return (
        bytes_field(1, tag) + bytes_field(9, metadata) + bytes_field(8, tensor)
    )


def scalar_value(tag: str, value: float) -> bytes:
    """A scalar as `tf.summary.scalar` writes it (float32 tensor)."""
    packed = struct.pack("<f", float(value))
    tensor = _tensor(DT_FLOAT, (), bytes_field(5, packed))
    return _value(tag, _metadata("scalars", DATA_CLASS_SCALAR), tensor)


def histogram_buckets(data, bucket_count: int = 30) -> np.ndarray:
    """`[bucket_count, 3]` rows of (left edge, right edge, count), as
    TensorBoard's `tf.summary.histogram` computes them: equal widths from
    the minimum to the maximum (the last bucket closed), or, for constant
    data, every bucket at that value with all counts in the last."""
    data = np.asarray(data, dtype=np.float64).reshape(-1)
    buckets = np.zeros((bucket_count, 3))
    if data.size == 0:
        return buckets
    low, high = float(data.min()), float(data.max())
    if low == high:
        buckets[:, :2] = low
        buckets[-1, 2] = data.size
        return buckets
    width = (high - low) / bucket_count
    index = np.minimum(
        ((data - low) / width).astype(np.int64), bucket_count - 1
    )
    edges = np.linspace(low, high, bucket_count + 1)
    buckets[:, 0], buckets[:, 1] = edges[:-1], edges[1:]
    buckets[:, 2] = np.bincount(index, minlength=bucket_count)
    return buckets


def histogram_value(tag: str, data, bucket_count: int = 30) -> bytes:
    """A histogram as `tf.summary.histogram` writes it (float64 tensor)."""
    buckets = histogram_buckets(data, bucket_count)
    content = bytes_field(4, buckets.astype("<f8").tobytes())
    tensor = _tensor(DT_DOUBLE, buckets.shape, content)
    return _value(tag, _metadata("histograms", DATA_CLASS_TENSOR), tensor)


def png(image: np.ndarray) -> bytes:
    """A `[height, width, channels]` uint8 array as PNG bytes (channels
    1, 3 or 4: grey, RGB, RGBA)."""
    height, width, channels = image.shape
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    rows = b"".join(b"\x00" + row.tobytes() for row in image)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def image_value(tag: str, images, max_outputs: int = 3) -> bytes:
    """Images as `tf.summary.image` writes them: a string tensor of width,
    height and up to `max_outputs` PNGs. `images` is `[k, h, w, c]`;
    floats are taken in [0, 1] and saturated, as TensorFlow converts them.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8:
        scaled = images.astype(np.float64) * 255.5
        images = np.clip(scaled, 0, 255).astype(np.uint8)
    _, height, width, _ = images.shape
    strings = [str(width).encode(), str(height).encode()]
    strings += [png(image) for image in images[:max_outputs]]
    payload = b"".join(bytes_field(8, s) for s in strings)
    tensor = _tensor(DT_STRING, (len(strings),), payload)
    metadata = _metadata("images", DATA_CLASS_BLOB_SEQUENCE)
    return _value(tag, metadata, tensor)


def text_value(tag: str, text: str, plugin: str, content: bytes) -> bytes:
    """A scalar string tensor under `plugin` (the Keras model summary)."""
    tensor = _tensor(DT_STRING, (), bytes_field(8, text))
    return _value(tag, _metadata(plugin, None, content), tensor)


def event(step: int, values: list[bytes] = (), wall_time=None) -> bytes:
    """An `Event` holding a `Summary` of `values` at `step`."""
    wall_time = time.time() if wall_time is None else wall_time
    summary = b"".join(bytes_field(1, value) for value in values)
    return (
        double_field(1, wall_time)
        + int_field(2, step)
        + bytes_field(5, summary)
    )


# -- TFRecord framing --------------------------------------------------------
def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli) of `data`."""
    global _CRC_TABLE
    if _CRC_TABLE is None:
        table = []
        for byte in range(256):
            crc = byte
            for _ in range(8):
                crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
            table.append(crc)
        _CRC_TABLE = table
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """The CRC TFRecords store: rotated right by 15 bits plus a constant."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(data: bytes) -> bytes:
    """`data` framed as one TFRecord."""
    length = struct.pack("<Q", len(data))
    return (
        length
        + struct.pack("<I", masked_crc32c(length))
        + data
        + struct.pack("<I", masked_crc32c(data))
    )


class EventFileWriter:
    """Appends events to a new event file in `log_dir`.

    The file is named as TensorFlow 2 names its own
    (``events.out.tfevents.<time>.<host>.<pid>.<n>.v2``) and starts with
    the ``brain.Event:2`` version event.
    """

    def __init__(self, log_dir: str):
        global _counter
        os.makedirs(log_dir, exist_ok=True)
        with _counter_lock:
            number, _counter = _counter, _counter + 1
        name = (
            f"events.out.tfevents.{int(time.time()):010d}."
            f"{socket.gethostname()}.{os.getpid()}.{number}.v2"
        )
        self.path = os.path.join(log_dir, name)
        self._file = open(self.path, "wb")
        first = double_field(1, time.time()) + bytes_field(3, "brain.Event:2")
        self._file.write(record(first))
        self._file.flush()

    def write(self, step: int, values: list[bytes]) -> None:
        """Writes one event of summary `values` at `step`."""
        if values:
            self._file.write(record(event(step, values)))

    def flush(self) -> None:
        if not self._file.closed:
            self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
