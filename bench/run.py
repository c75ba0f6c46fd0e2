"""Side-by-side speed of ember and Keras 3 (JAX backend) on the same work.

Workloads (each run by ember and Keras 3, with the ember / keras ratio):
- the founding MLP's fit (batch 32) and the founding CNN's fit (batch 128),
  also in PyTorch eager and in a hand-written jax + optax program (the
  floor: plain functions of a params pytree, a jitted value_and_grad +
  optax.adam step called per shuffled batch from Python); the CNN fit also
  reports each library's spread across the repeats, (max - min) / median;
- the founding CNN's first fit in a fresh process, seconds from building
  and compiling the model to the end of one epoch (1,024 samples, batch
  128), compilation included (torch: the same epoch eagerly; jax: jit
  compilation + the epoch);
- the founding CNN's single-sample predict latency (p50 ms) and 10k-sample
  predict throughput (batches of 256), also in PyTorch eager (`eval()` +
  `no_grad()`), a jitted jax forward and ember's ONNX export (`export_onnx`)
  run in onnxruntime;
- the MLP's single-sample latency and the CNN's predict throughput (16k);
- the time of `import ember` / `import keras` in a fresh interpreter;
- `TextVectorization.adapt` on 100k short strings (ember only: Keras' layer
  needs TensorFlow; its target is absolute, under 2 s);
- two text classifiers (`Input((100,), int32) -> Embedding(20000, 64) ->
  LSTM(64)` or `GRU(64) -> Dense(1, sigmoid)`, adam, batch 64) and a
  transformer encoder block (`Input((64,), int32) -> Embedding(20000, 128)
  -> MultiHeadAttention(4 heads, key_dim 32)` + Dropout(0.1) + Add +
  `LayerNormalization(1e-6) -> Dense(256, relu) -> Dense(128)` + Dropout +
  Add + LayerNormalization `-> GlobalAveragePooling1D -> Dense(1,
  sigmoid)`, adam, batch 32), also in PyTorch eager (nn.Embedding, nn.LSTM /
  nn.GRU, nn.MultiheadAttention, nn.LayerNorm, Adam, BCELoss);
- the founding CNN's fit at batch 128 on one CPU device and under
  `DataParallel` on 4 simulated ones
  (`--xla_force_host_platform_device_count=4`: the overhead of the sharded
  step, not a speed-up).

Every library sees the same arrays and the same procedure: a fit workload
warms up with one fit on the same arrays (ember compiles for the data's
shape: its in-memory data lives on the device and batches are gathered
there), then times a second fit; PyTorch fetches the loss each step
(`loss.item()`, as the others' logs), the jax floor blocks only at the end.
Each workload runs in a fresh subprocess per library, interleaved (ember,
keras, [torch, jax, onnxruntime,] ember, keras, ...); the median of the
repeats is reported, with one line per further reference giving ember's
value, the reference's, the ratio and the goal, and each process' peak
memory (max RSS) where PyTorch runs.

Usage: `make bench` or
`python bench/run.py [--repeats 3] [--quick] [--only cnn_fit ...]
[--torch-python PATH]` (the interpreter of the PyTorch runs; this one by
default).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

# Prepended to every worker but the import one: each workload's data and
# the timing procedures, so that every library sees the same arrays and is
# timed the same way.
COMMON = r"""
import json, os, resource, sys, time
import numpy as np

# Fit workloads: (samples quick / full, batch size, timed epochs).
FITS = {
    "mlp_fit": ((8192, 32768), 32, 2),
    "cnn_fit": ((1024, 4096), 128, 1),
    "cnn_first_fit": ((512, 1024), 128, 1),
    "data_parallel_fit": ((1024, 4096), 128, 1),
    "lstm_text_fit": ((1024, 4096), 64, 1),
    "gru_text_fit": ((1024, 4096), 64, 1),
    "encoder_text_fit": ((1024, 4096), 32, 1),
}

def fit_data(workload, quick):
    sizes, batch, epochs = FITS[workload]
    n = sizes[0 if quick else 1]
    rng = np.random.default_rng(0)
    if workload == "mlp_fit":
        x = rng.normal(size=(n, 10)).astype("float32")
        y = (x.sum(axis=1) > 0).astype("float32")[:, None]
    elif workload.endswith("text_fit"):
        length = 64 if workload == "encoder_text_fit" else 100
        x = rng.integers(0, 20000, size=(n, length)).astype("int32")
        y = rng.integers(0, 2, size=(n, 1)).astype("float32")
    else:  # the founding CNN's
        x = rng.random((n, 28, 28, 1), dtype="float32")
        y = rng.integers(0, 10, size=(n,)).astype("int32")
    return x, y, batch, epochs

def seconds(call):
    started = time.perf_counter()
    call()
    return time.perf_counter() - started

# Median ms of `call()`, after five warm-up calls.
def median_ms(call, quick):
    for _ in range(5):
        call()
    times = sorted(seconds(call) for _ in range(30 if quick else 100))
    return 1000 * times[len(times) // 2]

# `build()` makes a compiled model, `fit(model, x, y, batch, epochs)`
# trains it to the end; `prepare(x, y)` converts the data once, untimed.
# cnn_first_fit: seconds of build + one epoch; the others: samples/s of
# the timed epochs after a warm-up epoch.
def measure_fit(workload, quick, build, fit, prepare=lambda x, y: (x, y)):
    x, y, batch, epochs = fit_data(workload, quick)
    x, y = prepare(x, y)
    if workload == "cnn_first_fit":
        return {"s": seconds(lambda: fit(build(), x, y, batch, 1))}
    model = build()
    fit(model, x, y, batch, 1)  # warm-up: compiles
    elapsed = seconds(lambda: fit(model, x, y, batch, epochs))
    return {"samples_per_s": epochs * len(x) / elapsed}

# The founding CNN's predict: p50 ms of one sample, or samples/s of 10k
# (2,048 quick) after a warm-up pass; `predict(x)` returns numpy outputs.
def measure_predict(workload, quick, predict, prepare=lambda x: x):
    n = 1 if workload == "cnn_predict_latency" else 2048 if quick else 10000
    x = prepare(np.random.default_rng(0).random((n, 28, 28, 1), "float32"))
    if workload == "cnn_predict_latency":
        return {"ms": median_ms(lambda: predict(x), quick)}
    predict(x)  # warm-up: compiles
    return {"samples_per_s": n / seconds(lambda: predict(x))}

def report(result):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    result["max_rss_mib"] = peak / 1024
    print("RESULT " + json.dumps(result))
"""

# The models in ember or Keras (whichever the worker binds to `keras`).
KERAS_MODELS = r"""
def mlp():
    inputs = keras.Input(shape=(10,))
    x = keras.layers.Dense(64, activation="relu")(inputs)
    x = keras.layers.Dense(64, activation="relu")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model

def cnn():
    L = keras.layers
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        L.Conv2D(32, (3, 3), activation="relu"), L.MaxPooling2D((2, 2)),
        L.Flatten(), L.Dense(128, activation="relu"),
        L.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model

def text(recurrent):
    model = keras.Sequential([
        keras.Input(shape=(100,), dtype="int32"),
        keras.layers.Embedding(20000, 64), recurrent(64),
        keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model

def encoder():
    L = keras.layers
    inputs = keras.Input(shape=(64,), dtype="int32")
    x = L.Embedding(20000, 128)(inputs)
    attended = L.MultiHeadAttention(num_heads=4, key_dim=32)(x, x)
    x = L.Add()([x, L.Dropout(0.1)(attended)])
    x = L.LayerNormalization(epsilon=1e-6)(x)
    hidden = L.Dense(256, activation="relu")(x)
    hidden = L.Dropout(0.1)(L.Dense(128)(hidden))
    x = L.LayerNormalization(epsilon=1e-6)(L.Add()([x, hidden]))
    x = L.GlobalAveragePooling1D()(x)
    outputs = L.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model
"""

WORKER = r"""
library, workload, quick = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
devices = int(os.environ.get("BENCH_DEVICES", "1"))
if devices > 1:
    # Simulated host devices: this measures the overhead of the data-
    # parallel machinery (sharded batches, summed gradients), not speed-up.
    os.environ["XLA_FLAGS"] = (
        f"--xla_force_host_platform_device_count={devices}")
if library == "keras":
    os.environ["KERAS_BACKEND"] = "jax"
    import warnings
    warnings.simplefilter("ignore")
    import keras
else:
    import ember as keras
rng = np.random.default_rng(0)
BUILDERS = {
    "mlp_fit": mlp, "cnn_fit": cnn, "cnn_first_fit": cnn,
    "data_parallel_fit": cnn, "encoder_text_fit": encoder,
    "lstm_text_fit": lambda: text(keras.layers.LSTM),
    "gru_text_fit": lambda: text(keras.layers.GRU),
}

def fit(model, x, y, batch, epochs):
    model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0)

if workload in FITS:
    if workload == "data_parallel_fit" and devices > 1:
        keras.distribution.set_distribution(
            keras.distribution.DataParallel())
    result = measure_fit(workload, quick, BUILDERS[workload], fit)
elif workload.startswith("cnn_predict"):
    model = cnn()
    result = measure_predict(
        workload, quick,
        lambda x: model.predict(x, batch_size=256, verbose=0))
elif workload == "predict_throughput":
    n = 4096 if quick else 16384
    x = rng.random((n, 28, 28, 1), dtype="float32")
    model = cnn()
    model.predict(x[:256 * 32], batch_size=256, verbose=0)  # compile
    elapsed = seconds(lambda: model.predict(x, batch_size=256, verbose=0))
    result = {"samples_per_s": n / elapsed}
elif workload == "predict_latency":
    model, x = mlp(), rng.normal(size=(1, 10)).astype("float32")
    result = {"ms": median_ms(lambda: model.predict(x, verbose=0), quick)}
elif workload == "text_adapt":
    n = 20000 if quick else 100000
    words = np.array([f"Word{i}," if i % 7 == 0 else f"w{i}"
                      for i in range(20000)])
    # Eight Zipf-distributed words a string, some capitalized, some with
    # punctuation: short "sentences" over a 20k-word vocabulary.
    ids = rng.zipf(1.3, size=(n, 8)) % len(words)
    texts = np.array([" ".join(row) for row in words[ids]])
    layer = keras.layers.TextVectorization(max_tokens=20000)
    result = {"s": seconds(lambda: layer.adapt(texts))}
report(result)
"""

# The workloads in PyTorch eager mode: the same data, batch size and
# per-epoch shuffling, torch's default thread count. The data is converted
# once before the timed region: images to NCHW (torch's layout, contiguous),
# tokens and class labels to int64.
TORCH_WORKER = r"""
import torch
from torch import nn
workload, quick = sys.argv[1], sys.argv[2] == "1"
torch.manual_seed(0)
shuffle = np.random.default_rng(1)

class Text(nn.Module):
    def __init__(self, recurrent):
        super().__init__()
        self.embedding = nn.Embedding(20000, 64)
        self.recurrent = recurrent(64, 64, batch_first=True)
        self.dense = nn.Linear(64, 1)

    def forward(self, tokens):
        _, state = self.recurrent(self.embedding(tokens))
        h = state[0] if isinstance(state, tuple) else state
        return torch.sigmoid(self.dense(h[-1]))

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20000, 128)
        self.attention = nn.MultiheadAttention(128, 4, batch_first=True)
        self.norm1 = nn.LayerNorm(128, eps=1e-6)
        self.hidden = nn.Linear(128, 256)
        self.projection = nn.Linear(256, 128)
        self.norm2 = nn.LayerNorm(128, eps=1e-6)
        self.dropout = nn.Dropout(0.1)
        self.dense = nn.Linear(128, 1)

    def forward(self, tokens):
        x = self.embedding(tokens)
        attended, _ = self.attention(x, x, x, need_weights=False)
        x = self.norm1(x + self.dropout(attended))
        hidden = self.projection(torch.relu(self.hidden(x)))
        x = self.norm2(x + self.dropout(hidden))
        return torch.sigmoid(self.dense(x.mean(dim=1)))

def mlp():
    return nn.Sequential(
        nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
        nn.Linear(64, 1), nn.Sigmoid())

# Logits: the cross-entropy and predict's softmax take them.
def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(5408, 128), nn.ReLU(), nn.Linear(128, 10))

MODELS = {  # workload: (module, loss)
    "mlp_fit": (mlp, nn.BCELoss),
    "cnn_fit": (cnn, nn.CrossEntropyLoss),
    "cnn_first_fit": (cnn, nn.CrossEntropyLoss),
    "lstm_text_fit": (lambda: Text(nn.LSTM), nn.BCELoss),
    "gru_text_fit": (lambda: Text(nn.GRU), nn.BCELoss),
    "encoder_text_fit": (Encoder, nn.BCELoss),
}

def build():
    module, loss = MODELS[workload]
    model = module()
    return model, torch.optim.Adam(model.parameters(), lr=1e-3), loss()

def fit(built, x, y, batch, epochs):
    model, optimizer, loss_fn = built
    model.train()
    for _ in range(epochs):
        order = torch.from_numpy(shuffle.permutation(len(x)))
        for start in range(0, len(x), batch):
            index = order[start:start + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
            # The loss to the host each step, as the others' logs.
            loss.item()

def images(x):
    return torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()

def tensor(a):
    return torch.from_numpy(a if a.dtype == np.float32 else a.astype("int64"))

def to_torch(x, y):
    return images(x) if x.ndim == 4 else tensor(x), tensor(y)

if workload in FITS:
    result = measure_fit(workload, quick, build, fit, to_torch)
else:
    model = cnn().eval()

    def predict(x):
        with torch.no_grad():
            outputs = [model(x[i:i + 256]).softmax(-1)
                       for i in range(0, len(x), 256)]
        return torch.cat(outputs).numpy()

    result = measure_predict(workload, quick, predict, images)
report(result)
"""

# The floor: the founding models as a JAX user writes them by hand, plain
# functions of a params pytree (Keras' initializers: Glorot-uniform
# kernels, zero biases), a jitted value_and_grad + optax.adam step called
# once per batch (numpy slices of the shuffled host data) from a Python
# loop, the loss left on the device, blocking at the end of the fit;
# predict is a jitted forward per batch of 256 (or the one sample), the
# outputs fetched to numpy after the last batch.
JAX_WORKER = r"""
import jax
import jax.numpy as jnp
import optax
from jax import lax
workload, quick = sys.argv[1], sys.argv[2] == "1"
shuffle = np.random.default_rng(1)

def layer(key, shape):
    receptive = int(np.prod(shape[:-2]))
    fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
    limit = np.sqrt(6 / (fan_in + fan_out))
    kernel = jax.random.uniform(key, shape, jnp.float32, -limit, limit)
    return {"kernel": kernel, "bias": jnp.zeros(shape[-1])}

def mlp_init(key):
    shapes = [(10, 64), (64, 64), (64, 1)]
    return [layer(k, s) for k, s in zip(jax.random.split(key, 3), shapes)]

def mlp_apply(params, x):  # logits
    for dense in params[:-1]:
        x = jax.nn.relu(x @ dense["kernel"] + dense["bias"])
    return x @ params[-1]["kernel"] + params[-1]["bias"]

def cnn_init(key):
    shapes = {"conv": (3, 3, 1, 32), "hidden": (5408, 128), "out": (128, 10)}
    keys = jax.random.split(key, 3)
    return {name: layer(k, s) for k, (name, s) in zip(keys, shapes.items())}

def cnn_apply(params, x):  # NHWC images -> logits
    conv = params["conv"]
    x = lax.conv_general_dilated(
        x, conv["kernel"], (1, 1), "VALID",
        dimension_numbers=("NHWC", "HWIO", "NHWC"))
    x = jax.nn.relu(x + conv["bias"])
    x = lax.reduce_window(
        x, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
    x = x.reshape(x.shape[0], -1)
    x = jax.nn.relu(x @ params["hidden"]["kernel"] + params["hidden"]["bias"])
    return x @ params["out"]["kernel"] + params["out"]["bias"]

def binary_crossentropy(logits, y):
    return optax.sigmoid_binary_cross_entropy(logits, y).mean()

def sparse_crossentropy(logits, y):
    return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

MODELS = {  # workload: (init, apply, loss)
    "mlp_fit": (mlp_init, mlp_apply, binary_crossentropy),
    "cnn_fit": (cnn_init, cnn_apply, sparse_crossentropy),
    "cnn_first_fit": (cnn_init, cnn_apply, sparse_crossentropy),
}
optimizer = optax.adam(1e-3)

def build():
    init, apply, loss = MODELS[workload]

    @jax.jit
    def train_step(params, opt_state, x, y):
        value, grads = jax.value_and_grad(
            lambda params: loss(apply(params, x), y))(params)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, value

    params = init(jax.random.key(0))
    return {"step": train_step, "state": (params, optimizer.init(params))}

def fit(model, x, y, batch, epochs):
    params, opt_state = model["state"]
    for _ in range(epochs):
        order = shuffle.permutation(len(x))
        for start in range(0, len(x), batch):
            index = order[start:start + batch]
            params, opt_state, _ = model["step"](
                params, opt_state, x[index], y[index])
    model["state"] = jax.block_until_ready((params, opt_state))

if workload in FITS:
    result = measure_fit(workload, quick, build, fit)
else:
    params = cnn_init(jax.random.key(0))
    forward = jax.jit(lambda params, x: jax.nn.softmax(cnn_apply(params, x)))

    def predict(x):
        outputs = [forward(params, x[i:i + 256])
                   for i in range(0, len(x), 256)]
        return np.concatenate(jax.device_get(outputs))

    result = measure_predict(workload, quick, predict)
report(result)
"""

# The founding CNN exported by ember to ONNX, run by onnxruntime (its
# default threads, as jax's): batches of 256 as `predict`, or one sample.
ONNX_WORKER = r"""
import tempfile
import onnxruntime
import ember as keras
from ember.export.onnx import export_onnx
workload, quick = sys.argv[1], sys.argv[2] == "1"
path = os.path.join(tempfile.mkdtemp(), "cnn.onnx")
export_onnx(cnn(), path, verbose=False)
session = onnxruntime.InferenceSession(
    path, providers=["CPUExecutionProvider"])
name = session.get_inputs()[0].name

def predict(x):
    outputs = [session.run(None, {name: x[i:i + 256]})[0]
               for i in range(0, len(x), 256)]
    return np.concatenate(outputs)

report(measure_predict(workload, quick, predict))
"""

# `import` alone, timed inside a fresh interpreter (its own start-up is
# not counted; what the import pulls in, numpy and jax included, is).
IMPORT_WORKER = r"""
import json, sys, time
started = time.perf_counter()
if sys.argv[1] == "keras":
    import keras
else:
    import ember
print("RESULT " + json.dumps({"s": time.perf_counter() - started}))
"""

# The program each library runs; the first argument is the library only
# for the ember / keras worker.
PROGRAMS = {
    "ember": COMMON + KERAS_MODELS + WORKER,
    "keras": COMMON + KERAS_MODELS + WORKER,
    "torch": COMMON + TORCH_WORKER,
    "jax": COMMON + JAX_WORKER,
    "onnxruntime": COMMON + KERAS_MODELS + ONNX_WORKER,
}

WORKLOADS = {
    # name: (measure, higher is better, target ratio ember/keras)
    "mlp_fit": ("samples_per_s", True, 10.0),
    "cnn_fit": ("samples_per_s", True, 3.0),
    "cnn_first_fit": ("s", False, 1.0),
    "predict_throughput": ("samples_per_s", True, None),
    "predict_latency": ("ms", False, 0.5),
    "cnn_predict_latency": ("ms", False, None),
    "cnn_predict_10k": ("samples_per_s", True, 1.5),
    "import": ("s", False, None),
    "lstm_text_fit": ("samples_per_s", True, 2.0),
    "gru_text_fit": ("samples_per_s", True, 2.0),
    "encoder_text_fit": ("samples_per_s", True, 1.5),
    "text_adapt": ("s", False, None),
    "data_parallel_fit": ("samples_per_s", True, None),
}

# Further references per workload: target ratio ember / reference in the
# workload's direction (None: shown without a target).
REFERENCES = {
    "mlp_fit": {"torch": None, "jax": 0.9},
    "cnn_fit": {"torch": 1.5, "jax": None},
    "cnn_first_fit": {"torch": None, "jax": None},
    # At most the jax floor + 20%.
    "cnn_predict_latency": {"torch": None, "jax": 1.2, "onnxruntime": None},
    "cnn_predict_10k": {"torch": None, "jax": None, "onnxruntime": None},
    "lstm_text_fit": {"torch": 1.0},
    "gru_text_fit": {"torch": 1.0},
    "encoder_text_fit": {"torch": 1.0},
}
LABELS = {
    "torch": "vs torch (eager)",
    "jax": "vs jax + optax",
    "onnxruntime": "vs onnxruntime (export)",
}

# Workloads whose spread across the repeats, (max - min) / median, is shown
# for each library, with ember's target: under this many percent.
SPREAD_TARGETS = {"cnn_fit": 10.0}

# Workloads run on 1 and on 4 simulated CPU devices (DataParallel on 4).
DEVICE_COUNTS = {"data_parallel_fit": (4, 1)}

# Workloads that only ember runs, with an absolute target (at most, in the
# workload's measure).
EMBER_ONLY = {"text_adapt": 2.0}


def run_once(
    library: str,
    workload: str,
    quick: bool,
    torch_python: str,
    devices: int = 1,
) -> dict:
    """One fresh subprocess: `{measure: value, "max_rss_mib": ...}`."""
    env = dict(
        os.environ,
        PYTHONWARNINGS="ignore",
        KERAS_BACKEND="jax",
        BENCH_DEVICES=str(devices),
    )
    flag = "1" if quick else "0"
    python = torch_python if library == "torch" else sys.executable
    if workload == "import":
        command = [python, "-c", IMPORT_WORKER, library]
    elif library in ("ember", "keras"):
        command = [python, "-c", PROGRAMS[library], library, workload, flag]
    else:
        command = [python, "-c", PROGRAMS[library], workload, flag]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(
            f"{library} {workload} failed:\n{done.stderr[-3000:]}"
        )
    lines = done.stdout.splitlines()
    line = next(x for x in lines if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def _interleaved(
    workload: str, args: argparse.Namespace, keys: list[tuple[str, int]]
) -> dict[tuple[str, int], list[dict]]:
    """`args.repeats` rounds, each running every (library, devices) once."""
    runs = {key: [] for key in keys}
    for _ in range(args.repeats):
        for library, devices in keys:
            runs[library, devices].append(
                run_once(
                    library, workload, args.quick, args.torch_python, devices
                )
            )
    return runs


def _goal(ratio: float, target: float | None, higher_is_better: bool) -> str:
    if target is None:
        return ""
    met = ratio >= target if higher_is_better else ratio <= target
    sign = ">=" if higher_is_better else "<="
    return f"{sign} {target} {'met' if met else 'NOT met'}"


def _row(
    label: str, ember: float, other: float, digits: int, goal: str
) -> None:
    print(
        f"{label:30} {ember:12.{digits}f} {other:12.{digits}f} "
        f"{ember / other:8.2f}  {goal}".rstrip()
    )


def _spread(values: list[float]) -> float:
    """(max - min) / median of the repeats, in percent."""
    return 100 * (max(values) - min(values)) / statistics.median(values)


def _ember_only(workload: str, args: argparse.Namespace) -> None:
    measure = WORKLOADS[workload][0]
    runs = _interleaved(workload, args, [("ember", 1)])
    ember = statistics.median(r[measure] for r in runs["ember", 1])
    limit = EMBER_ONLY[workload]
    met = "met" if ember <= limit else "NOT met"
    print(
        f"{workload + ' (' + measure + ')':30} {ember:12.3f} "
        f"{'-':>12} {'-':>8}  <= {limit} {measure} {met}"
    )


def _compare_devices(workload: str, args: argparse.Namespace) -> None:
    """ember and keras on each of `DEVICE_COUNTS[workload]`, interleaved:
    the rows per device count and each library's many / one ratio."""
    measure = WORKLOADS[workload][0]
    counts = DEVICE_COUNTS[workload]
    keys = [(lib, n) for n in counts for lib in ("ember", "keras")]
    runs = _interleaved(workload, args, keys)
    medians = {
        key: statistics.median(r[measure] for r in results)
        for key, results in runs.items()
    }
    for devices in counts:
        ember, keras = medians["ember", devices], medians["keras", devices]
        _row(f"{workload} ({devices} dev)", ember, keras, 1, "")
    many, one = counts
    ember = medians["ember", many] / medians["ember", one]
    keras = medians["keras", many] / medians["keras", one]
    label = f"  {many} / {one} devices"
    print(f"{label:30} {ember:12.2f} {keras:12.2f}  (simulated: overhead)")


def _compare(workload: str, args: argparse.Namespace) -> None:
    """ember against keras and the workload's further references."""
    measure, higher_is_better, target = WORKLOADS[workload]
    references = REFERENCES.get(workload, {})
    libraries = ["ember", "keras", *references]
    runs = _interleaved(workload, args, [(lib, 1) for lib in libraries])
    values = {lib: [r[measure] for r in runs[lib, 1]] for lib in libraries}
    medians = {lib: statistics.median(v) for lib, v in values.items()}
    ember = medians["ember"]
    digits = {"s": 3, "ms": 2}.get(measure, 1)
    goal = _goal(ember / medians["keras"], target, higher_is_better)
    label = f"{workload} ({measure})"
    _row(label, ember, medians["keras"], digits, goal)
    for library, reference_target in references.items():
        ratio = ember / medians[library]
        goal = _goal(ratio, reference_target, higher_is_better)
        _row(f"  {LABELS[library]}", ember, medians[library], digits, goal)
    if workload in SPREAD_TARGETS:
        limit = SPREAD_TARGETS[workload]
        spreads = "  ".join(
            f"{lib} {_spread(v):.1f}%" for lib, v in values.items()
        )
        if args.repeats < 2:
            met = "(needs --repeats >= 2)"
        else:
            met = "met" if _spread(values["ember"]) < limit else "NOT met"
        label = "  spread (max-min)/median"
        print(f"{label:30} {spreads}  ember < {limit:.0f}% {met}")
    if "torch" in references:
        rss = "  ".join(
            f"{lib} {statistics.median(r['max_rss_mib'] for r in results):.0f}"
            for (lib, _), results in runs.items()
        )
        print(f"{'  peak RSS (MiB)':30} {rss}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", default=list(WORKLOADS))
    parser.add_argument("--torch-python", default=sys.executable)
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"{'workload':30} {'ember':>12} {'keras':>12} {'ratio':>8}  target")
    for workload in args.only:
        if workload in EMBER_ONLY:
            _ember_only(workload, args)
        elif workload in DEVICE_COUNTS:
            _compare_devices(workload, args)
        else:
            _compare(workload, args)
    print(
        f"({args.repeats} interleaved runs each, medians; "
        f"{time.perf_counter() - started:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
