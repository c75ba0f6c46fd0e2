"""TensorBoard event files, read back by an independent decoder here:
TFRecord framing with bit-by-bit CRC-32C checks and a generic protocol
buffer parser, interpreted with the field numbers of TensorFlow's
`event.proto`, `summary.proto` and `tensor.proto`."""

import glob
import json
import os
import struct
import zlib

import numpy as np
import pytest

import ember
from ember.callbacks import TensorBoard
from ember.callbacks import overrides_batch_hooks

RNG = np.random.default_rng(0)
X = RNG.normal(size=(12, 3)).astype("float32")
Y = X @ np.array([[1.0], [-2.0], [0.5]], "float32")


# -- the decoder ---------------------------------------------------------------
def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 * (crc & 1))
    return crc ^ 0xFFFFFFFF


def masked(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    with open(path, "rb") as file:
        data = file.read()
    out, i = [], 0
    while i < len(data):
        header = data[i : i + 8]
        (length,) = struct.unpack("<Q", header)
        assert struct.unpack("<I", data[i + 8 : i + 12])[0] == masked(header)
        body = data[i + 12 : i + 12 + length]
        (crc,) = struct.unpack("<I", data[i + 12 + length : i + 16 + length])
        assert crc == masked(body)
        out.append(body)
        i += 16 + length
    return out


def parse(data: bytes) -> dict:
    """{field number: [values]}: ints for varints, bytes for
    length-delimited fields, raw 8 or 4 bytes for fixed ones."""
    fields, i = {}, 0

    def read_varint():
        nonlocal i
        shift = value = 0
        while True:
            byte = data[i]
            i += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while i < len(data):
        key = read_varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            value = read_varint()
        elif wire == 1:
            value, i = data[i : i + 8], i + 8
        elif wire == 5:
            value, i = data[i : i + 4], i + 4
        else:
            assert wire == 2
            length = read_varint()
            value, i = data[i : i + length], i + length
        fields.setdefault(number, []).append(value)
    return fields


def tensor_value(tensor: dict):
    dtype = tensor[1][0]
    shape = tuple(parse(d)[1][0] for d in parse(tensor[2][0]).get(2, []))
    if dtype == 7:  # DT_STRING
        return [s for s in tensor[8]]
    if 4 in tensor:  # tensor_content
        kind = {1: "<f4", 2: "<f8"}[dtype]
        return np.frombuffer(tensor[4][0], kind).reshape(shape)
    assert dtype == 1 and shape == ()
    return struct.unpack("<f", tensor[5][0])[0]


def read_events(directory):
    """`(file version, [(tag, step, plugin, data class, value)])`."""
    [path] = glob.glob(os.path.join(directory, "events.out.tfevents.*.v2"))
    first, *rest = [parse(r) for r in records(path)]
    version = first[3][0].decode()
    values = []
    for event in rest:
        step = event.get(2, [0])[0]
        for raw in parse(event[5][0])[1]:
            value = parse(raw)
            metadata = parse(value[9][0])
            plugin = parse(metadata[1][0])
            values.append(
                (
                    value[1][0].decode(),
                    step,
                    plugin[1][0].decode(),
                    metadata.get(4, [None])[0],
                    tensor_value(parse(value[8][0])),
                )
            )
    return version, values


def by_tag(values, prefix=""):
    out = {}
    for tag, step, _, _, value in values:
        if tag.startswith(prefix):
            out.setdefault(tag, []).append((step, value))
    return out


# -- the tests -----------------------------------------------------------------
def fit(tmp_path, epochs=2, **kwargs):
    model = ember.Sequential(
        [ember.Input((3,)), ember.layers.Dense(2), ember.layers.Dense(1)]
    )
    model.compile(ember.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    history = model.fit(
        X,
        Y,
        batch_size=4,
        epochs=epochs,
        verbose=0,
        shuffle=False,
        validation_data=(X[:5], Y[:5]),
        callbacks=[TensorBoard(tmp_path, **kwargs)],
    )
    return model, history.history


def f32(value):
    return float(np.float32(value))


def test_decoder_crc_matches_the_known_check_value():
    assert crc32c(b"123456789") == 0xE3069283


def test_epoch_scalars_in_train_and_validation(tmp_path):
    model, history = fit(tmp_path)
    version, train = read_events(tmp_path / "train")
    assert version == "brain.Event:2"
    scalars = by_tag(train, "epoch_")
    assert sorted(scalars) == ["epoch_learning_rate", "epoch_loss", "epoch_mae"]
    for name in ("loss", "mae"):
        assert scalars[f"epoch_{name}"] == [
            (epoch, f32(v)) for epoch, v in enumerate(history[name])
        ]
    assert scalars["epoch_learning_rate"] == [(0, f32(0.05)), (1, f32(0.05))]
    assert {(p, c) for t, _, p, c, _ in train if t.startswith("epoch_")} == {
        ("scalars", 1)
    }
    _, validation = read_events(tmp_path / "validation")
    scalars = by_tag(validation)
    assert scalars["epoch_loss"] == [
        (epoch, f32(v)) for epoch, v in enumerate(history["val_loss"])
    ]
    # Each validation pass, at the optimizer's iterations (3 per epoch).
    assert scalars["evaluation_loss_vs_iterations"] == [
        (3, f32(history["val_loss"][0])),
        (6, f32(history["val_loss"][1])),
    ]
    assert sorted(scalars) == [
        "epoch_loss",
        "epoch_mae",
        "evaluation_loss_vs_iterations",
        "evaluation_mae_vs_iterations",
    ]


def test_model_config_is_written_at_step_0(tmp_path):
    model, _ = fit(tmp_path, epochs=1)
    _, train = read_events(tmp_path / "train")
    [(tag, step, plugin, _, value)] = [v for v in train if v[0] == "keras"]
    assert (step, plugin) == (0, "graph_keras_model")
    assert json.loads(value[0]) == json.loads(model.to_json())


def test_no_model_config_without_write_graph(tmp_path):
    fit(tmp_path, epochs=1, write_graph=False)
    _, train = read_events(tmp_path / "train")
    assert "keras" not in by_tag(train)


@pytest.mark.parametrize(
    ("update_freq", "steps"), [("batch", [1, 2, 3, 4, 5, 6]), (2, [2, 4, 6])]
)
def test_batch_scalars(tmp_path, update_freq, steps):
    fit(tmp_path, update_freq=update_freq)
    _, train = read_events(tmp_path / "train")
    scalars = by_tag(train, "batch_")
    assert sorted(scalars) == ["batch_loss", "batch_mae"]
    assert [step for step, _ in scalars["batch_loss"]] == steps


def test_epoch_update_freq_needs_no_batch_hooks(tmp_path):
    assert not overrides_batch_hooks(TensorBoard(tmp_path))
    assert overrides_batch_hooks(TensorBoard(tmp_path, update_freq=3))
    fit(tmp_path)
    _, train = read_events(tmp_path / "train")
    assert not by_tag(train, "batch_")


def test_weight_histograms(tmp_path):
    model, _ = fit(tmp_path, histogram_freq=2, epochs=3)
    _, train = read_events(tmp_path / "train")
    histograms = by_tag(train, "")
    weights = {w.path: w.numpy() for w in model.weights}
    tags = sorted(t for t in histograms if t.endswith("/histogram"))
    assert tags == sorted(f"{path}/histogram" for path in weights)
    path = model.layers[0].kernel.path
    kernel = histograms[f"{path}/histogram"]
    assert [step for step, _ in kernel] == [0, 2]
    buckets = kernel[-1][1]
    assert buckets.shape == (30, 3)
    value = weights[path]
    np.testing.assert_allclose(buckets[0, 0], value.min(), rtol=1e-6)
    np.testing.assert_allclose(buckets[-1, 1], value.max(), rtol=1e-6)
    assert buckets[:, 2].sum() == value.size
    # Each weight falls in the bucket whose edges hold it.
    for w in value.reshape(-1):
        inside = (buckets[:, 0] <= w) & (w <= buckets[:, 1])
        assert buckets[inside, 2].sum() >= 1
    [(_, plugin, data_class)] = {
        (t, p, c) for t, _, p, c, _ in train if t == f"{path}/histogram"
    }
    assert (plugin, data_class) == ("histograms", 2)


def read_png(data: bytes) -> np.ndarray:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, chunks = 8, {}
    while i < len(data):
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind = data[i + 4 : i + 8]
        body = data[i + 8 : i + 8 + length]
        (crc,) = struct.unpack(">I", data[i + 8 + length : i + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = chunks.get(kind, b"") + body
        i += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color) == (8, 0)
    raw = zlib.decompress(chunks[b"IDAT"])
    rows = [raw[r * (width + 1) : (r + 1) * (width + 1)] for r in range(height)]
    assert all(row[0] == 0 for row in rows)  # no filter
    return np.array([list(row[1:]) for row in rows], dtype=np.uint8)


def test_weight_images(tmp_path):
    model, _ = fit(tmp_path, histogram_freq=1, write_images=True, epochs=1)
    _, train = read_events(tmp_path / "train")
    images = by_tag(train, "")
    layer = model.layers[0]
    [(step, (width, height, picture))] = images[f"{layer.kernel.path}/image"]
    kernel = layer.kernel.numpy()  # (3, 2): shown as 2 x 3
    assert (step, int(width), int(height)) == (0, 3, 2)
    want = np.clip(kernel.T * 255.5, 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(read_png(picture), want)
    [(_, (width, height, _))] = images[f"{layer.bias.path}/image"]
    assert (int(width), int(height)) == (2, 1)


def test_steps_per_second(tmp_path):
    fit(tmp_path, write_steps_per_second=True, update_freq="batch")
    _, train = read_events(tmp_path / "train")
    scalars = by_tag(train)
    assert [s for s, _ in scalars["epoch_steps_per_second"]] == [0, 1]
    assert all(v > 0 for _, v in scalars["epoch_steps_per_second"])
    assert len(scalars["batch_steps_per_second"]) == 6


def test_embeddings_projector_config_and_checkpoints(tmp_path):
    model = ember.Sequential(
        [
            ember.Input((2,), dtype="int32"),
            ember.layers.Embedding(5, 2, name="words"),
            ember.layers.Flatten(),
            ember.layers.Dense(1),
        ]
    )
    model.compile("sgd", loss="mse")
    callback = TensorBoard(
        tmp_path, embeddings_freq=1, embeddings_metadata={"words": "m.tsv"}
    )
    x = np.array([[0, 1], [2, 3]], "int32")
    model.fit(x, np.ones((2, 1)), epochs=2, verbose=0, callbacks=[callback])
    assert (tmp_path / "projector_config.pbtxt").read_text() == (
        "embeddings {\n"
        '  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/'
        'VARIABLE_VALUE"\n'
        '  metadata_path: "m.tsv"\n'
        "}\n"
    )
    for epoch in (0, 1):
        name = f"keras_embedding.ckpt-{epoch}.weights.h5"
        assert (tmp_path / "train" / name).exists()


def test_bad_update_freq_and_profile_batch(tmp_path):
    with pytest.raises(ValueError, match="Received: update_freq='often'"):
        TensorBoard(tmp_path, update_freq="often")
    with pytest.warns(UserWarning, match="profile_batch=2 is ignored"):
        TensorBoard(tmp_path, profile_batch=2)


def test_an_optax_transformation_has_no_learning_rate_scalar(tmp_path):
    import optax

    model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(1)])
    model.compile(optax.sgd(0.05), loss="mse")
    callback = TensorBoard(tmp_path, write_graph=False)
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[callback])
    _, train = read_events(tmp_path / "train")
    assert sorted(by_tag(train, "epoch_")) == ["epoch_loss"]
