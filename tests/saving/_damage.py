"""Damaged variants of a `.keras` archive, deterministic from a seed.

Each generator takes the archive's bytes and a `random.Random` and returns
`(label, bytes)` pairs: byte flips and truncation of the zip, members
removed or replaced, values inside `config.json` replaced by values of the
wrong type or range, keys dropped, unknown classes and odd special entries
(`__tuple__`, `__numpy__`...), and datasets of `model.weights.h5` given
the wrong shape or dtype, removed, replaced by groups, or given odd attrs.
"""

import copy
import io
import json
import random
import zipfile

import h5py
import numpy as np

CONFIG = "config.json"
WEIGHTS = "model.weights.h5"

_WRONG_VALUES = [
    "8",
    "",
    "glorot_uniform",
    -1,
    0,
    -3.5,
    1.5,
    100_000,
    10**9,
    2**31,
    2**63,
    10**30,
    1e308,
    -1e308,
    None,
    True,
    [],
    [1, 2, 3],
    [[1], "a"],
    {},
    {"a": 1},
    {"class_name": "NoSuchThing", "config": {}},
    {"class_name": "__tuple__", "config": {"value": [1, 2]}},
    {"class_name": "__numpy__", "config": {"value": [1, 2]}},
    {"class_name": "__numpy__", "config": {"value": "x", "dtype": "nope"}},
    {"class_name": "__tensor__", "config": {"value": [[1], [2, 3]]}},
    {"class_name": "__bytes__", "config": {"value": 3}},
    {"class_name": "__slice__", "config": {}},
    {"class_name": "__keras_tensor__", "config": {"shape": 3}},
    {"class_name": "__ellipsis__", "config": None},
    {"class_name": "function", "config": 7},
    {"class_name": "__class__", "config": ["Dense"]},
    {"class_name": 5, "config": {}},
    {"class_name": "Dense", "config": {"units": -2}},
    {"class_name": "GlorotUniform", "config": {"seed": "x"}},
    {
        "module": "keras.initializers",
        "class_name": "RandomNormal",
        "config": {"stddev": "big", "seed": 2**70},
    },
    {"module": "keras.regularizers", "class_name": "L2", "config": {"l2": [1]}},
    {"module": "keras", "class_name": "DTypePolicy", "config": {"name": 3}},
]


def _members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, value in members.items():
            zf.writestr(name, value)
    return buffer.getvalue()


# -- bytes and zip members --------------------------------------------------
def byte_damage(data, rng, count):
    out = []
    for i in range(count):
        damaged = bytearray(data)
        if i % 3 == 2:
            cut = rng.randrange(len(data))
            out.append((f"truncate@{cut}", bytes(damaged[:cut])))
            continue
        for _ in range(rng.choice([1, 4, 32])):
            at = rng.randrange(len(damaged))
            damaged[at] ^= 1 << rng.randrange(8)
        out.append((f"flip#{i}", bytes(damaged)))
    return out


def member_damage(data, rng):
    members = _members(data)
    out = []
    for name in members:
        rest = {k: v for k, v in members.items() if k != name}
        out.append((f"remove {name}", _zip(rest)))
        for label, value in (
            ("empty", b""),
            ("garbage", bytes(rng.randrange(256) for _ in range(64))),
            ("json list", b"[1, 2]"),
            ("truncated", members[name][: len(members[name]) // 2]),
        ):
            out.append((f"{label} {name}", _zip({**members, name: value})))
    swapped = {**members, CONFIG: members[WEIGHTS], WEIGHTS: members[CONFIG]}
    out.append(("swap config and weights", _zip(swapped)))
    return out


# -- config.json --------------------------------------------------------------
def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, path + (i,))


def _parent(config, path):
    for key in path[:-1]:
        config = config[key]
    return config


def config_damage(data, rng, count):
    members = _members(data)
    config = json.loads(members[CONFIG])
    # Values under a layer's `config` are the interesting ones; also any.
    paths = [p for p in _paths(config) if p]
    inner = [p for p in paths if "config" in p[:-1]]
    # The arguments of layers, initializers, optimizers, dtype policies.
    arguments = [
        p
        for p in inner
        if len(p) > 1 and p[-2] == "config" and isinstance(p[-1], str)
    ]
    out = []
    for i in range(count):
        damaged = copy.deepcopy(config)
        path = rng.choice((paths, inner, arguments, arguments)[i % 4])
        parent = _parent(damaged, path)
        roll = rng.random()
        if roll < 0.15 and isinstance(parent, dict):
            del parent[path[-1]]
            label = f"drop {'/'.join(map(str, path))}"
        elif roll < 0.2 and isinstance(parent, dict):
            parent["no_such_argument"] = 1
            label = f"add key at {'/'.join(map(str, path[:-1]))}"
        else:
            value = copy.deepcopy(rng.choice(_WRONG_VALUES))
            parent[path[-1]] = value
            label = f"{'/'.join(map(str, path))} = {json.dumps(value)[:60]}"
        text = json.dumps(damaged).encode()
        out.append((label, _zip({**members, CONFIG: text})))
    return out


# -- model.weights.h5 ---------------------------------------------------------
def _datasets(h5file):
    found = []
    h5file.visititems(
        lambda name, obj: (
            found.append(name) if isinstance(obj, h5py.Dataset) else None
        )
    )
    return sorted(found)


def _groups(h5file):
    found = []
    h5file.visititems(
        lambda name, obj: (
            found.append(name) if isinstance(obj, h5py.Group) else None
        )
    )
    return sorted(found)


def _edit_weights(weights, edit):
    buffer = io.BytesIO(weights)
    with h5py.File(buffer, "a") as h5file:
        edit(h5file)
    return buffer.getvalue()


def _weights_edits(rng, name, shape):
    big = tuple(s + 1 for s in shape) or (2,)
    return [
        ("shape", lambda f: _replace(f, name, np.zeros(big, "float32"))),
        ("rank", lambda f: _replace(f, name, np.zeros(shape + (2,)))),
        ("scalar", lambda f: _replace(f, name, np.float32(1.0))),
        ("int", lambda f: _replace(f, name, np.ones(shape, "int64"))),
        ("bool", lambda f: _replace(f, name, np.ones(shape, "bool"))),
        ("complex", lambda f: _replace(f, name, np.ones(shape, "complex64"))),
        ("float16", lambda f: _replace(f, name, np.ones(shape, "float16"))),
        ("string", lambda f: _replace(f, name, np.array(b"abc"))),
        ("nan", lambda f: _replace(f, name, np.full(shape, np.nan, "f4"))),
        (
            "bfloat16 attr",
            lambda f: f[name].attrs.__setitem__("dtype", "bfloat16"),
        ),
        ("remove", lambda f: f.__delitem__(name)),
        ("group", lambda f: (f.__delitem__(name), f.create_group(name))),
        (
            "extra",
            lambda f: f[name].parent.create_dataset("99", data=np.zeros(3)),
        ),
        (
            "odd key",
            lambda f: f[name].parent.create_dataset("x", data=np.zeros(3)),
        ),
    ]


def _replace(h5file, name, value):
    del h5file[name]
    h5file.create_dataset(name, data=value)


def _group_edits(name):
    return [
        ("remove group", lambda f: f.__delitem__(name)),
        (
            "group to dataset",
            lambda f: (
                f.__delitem__(name),
                f.create_dataset(name, data=np.zeros(2)),
            ),
        ),
        (
            "name attr array",
            lambda f: f[name].attrs.__setitem__("name", np.zeros(3)),
        ),
        ("name attr int", lambda f: f[name].attrs.__setitem__("name", 7)),
        ("nested group", lambda f: f[name].create_group("vars/deeper")),
    ]


def weights_damage(data, rng, count):
    members = _members(data)
    weights = members[WEIGHTS]
    with h5py.File(io.BytesIO(weights), "r") as h5file:
        shapes = {n: tuple(h5file[n].shape) for n in _datasets(h5file)}
        groups = _groups(h5file)
    candidates = []
    for name, shape in shapes.items():
        for label, edit in _weights_edits(rng, name, shape):
            candidates.append((f"{label} {name}", edit))
    for name in groups:
        for label, edit in _group_edits(name):
            candidates.append((f"{label} {name}", edit))
    # A third of them damage the optimizer's group and variables.
    optimizer = [
        c for c in candidates if c[0].split(" ")[-1].startswith("optimizer")
    ]
    others = [c for c in candidates if c not in optimizer]
    picked = rng.sample(optimizer, min(count // 3, len(optimizer)))
    picked += rng.sample(others, min(count - len(picked), len(others)))
    out = []
    for label, edit in picked:
        damaged = _edit_weights(weights, edit)
        out.append((label, _zip({**members, WEIGHTS: damaged})))
    return out


def variants(data, seed, counts):
    """All damaged variants of one archive.

    Args:
        data: the archive's bytes.
        seed: the seed of the damage.
        counts: `(bytes, config, weights)` variant counts.

    Returns:
        A list of `(label, bytes)`.
    """
    rng = random.Random(seed)
    return (
        [("intact", data)]
        + byte_damage(data, rng, counts[0])
        + member_damage(data, rng)
        + config_damage(data, rng, counts[1])
        + weights_damage(data, rng, counts[2])
    )
