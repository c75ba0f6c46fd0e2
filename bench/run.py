"""Side-by-side speed of ember and Keras 3 (JAX backend) on the same work.

Workloads: the founding MLP fit, the founding CNN fit, predict throughput,
single-sample predict latency, the founding CNN's single-sample latency
and 10k-sample predict throughput next to its ONNX export (ember's
`export_onnx`) run in onnxruntime, the time of `import ember` /
`import keras` in a fresh interpreter (KERAS_BACKEND=jax),
`TextVectorization.adapt` on 100k short strings (ember only: Keras' layer
needs TensorFlow; its target is absolute, under 2 s), and two text
classifiers (`Input((100,), int32) -> Embedding(20000, 64) -> LSTM(64)` or
`GRU(64) -> Dense(1, sigmoid)`, adam, batch 64) that also run in PyTorch
eager mode (nn.Embedding + nn.LSTM / nn.GRU + nn.Linear, torch.optim.Adam,
BCELoss) as a second reference, and a transformer encoder block
(`Input((64,), int32) -> Embedding(20000, 128) -> MultiHeadAttention(4
heads, key_dim 32) + Dropout(0.1) + Add + LayerNormalization(1e-6) ->
Dense(256, relu) -> Dense(128) + Dropout(0.1) + Add + LayerNormalization
-> GlobalAveragePooling1D -> Dense(1, sigmoid)`, adam, batch 32), also in
PyTorch eager mode (nn.MultiheadAttention, nn.LayerNorm), and the
founding CNN's fit at batch 128 on one CPU device and under `DataParallel`
on 4 simulated ones (`--xla_force_host_platform_device_count=4`: the
overhead of the sharded step, not a speed-up), in both libraries. The fit
workloads warm up with one fit on the same arrays (ember compiles for the
data's shape: its in-memory data lives on the device and batches are
gathered there), then time a second fit. Each workload runs in a fresh
subprocess per library, interleaved (ember, keras, [torch,] ember, keras,
...), and the median of the repeats is reported with the ember / keras
(and ember / torch) ratio; the text workloads also report the peak memory
(max RSS) of each fit process.

Usage: `make bench` or
`python bench/run.py [--repeats 3] [--quick] [--only lstm_text_fit ...]
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

WORKER = r"""
import json, os, resource, sys, time
import numpy as np
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
L = keras.layers
rng = np.random.default_rng(0)

def mlp():
    inputs = keras.Input(shape=(10,))
    x = L.Dense(64, activation="relu")(inputs)
    x = L.Dense(64, activation="relu")(x)
    outputs = L.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model

def cnn():
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
        L.Embedding(20000, 64), recurrent(64),
        L.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model

def encoder():
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

# Median ms of `predict` on one sample, after five warm-up calls.
def latency(model, x):
    for _ in range(5):
        model.predict(x, verbose=0)
    times = []
    for _ in range(30 if quick else 100):
        t = time.perf_counter()
        model.predict(x, verbose=0)
        times.append(time.perf_counter() - t)
    return 1000 * sorted(times)[len(times) // 2]

result = {}
if workload in ("lstm_text_fit", "gru_text_fit"):
    n = 1024 if quick else 4096
    x = rng.integers(0, 20000, size=(n, 100)).astype("int32")
    y = rng.integers(0, 2, size=(n, 1)).astype("float32")
    model = text(L.LSTM if workload == "lstm_text_fit" else L.GRU)
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)  # compile
    t = time.perf_counter()
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    result["samples_per_s"] = n / (time.perf_counter() - t)
elif workload == "encoder_text_fit":
    n = 1024 if quick else 4096
    x = rng.integers(0, 20000, size=(n, 64)).astype("int32")
    y = rng.integers(0, 2, size=(n, 1)).astype("float32")
    model = encoder()
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)  # compile
    t = time.perf_counter()
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    result["samples_per_s"] = n / (time.perf_counter() - t)
elif workload == "mlp_fit":
    n = 8192 if quick else 32768
    x = rng.normal(size=(n, 10)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")[:, None]
    model = mlp()
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)  # compile
    t = time.perf_counter()
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    result["samples_per_s"] = 2 * n / (time.perf_counter() - t)
elif workload == "cnn_fit":
    n = 1024 if quick else 4096
    x = rng.random((n, 28, 28, 1), dtype="float32")
    y = rng.integers(0, 10, size=(n,)).astype("int32")
    model = cnn()
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)  # compile
    t = time.perf_counter()
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    result["samples_per_s"] = n / (time.perf_counter() - t)
elif workload == "data_parallel_fit":
    n = 1024 if quick else 4096
    x = rng.random((n, 28, 28, 1), dtype="float32")
    y = rng.integers(0, 10, size=(n,)).astype("int32")
    if devices > 1:
        keras.distribution.set_distribution(
            keras.distribution.DataParallel())
    model = cnn()
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)  # compile
    t = time.perf_counter()
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    result["samples_per_s"] = n / (time.perf_counter() - t)
elif workload == "predict_throughput":
    n = 4096 if quick else 16384
    x = rng.random((n, 28, 28, 1), dtype="float32")
    model = cnn()
    model.predict(x[:256 * 32], batch_size=256, verbose=0)  # compile
    t = time.perf_counter()
    model.predict(x, batch_size=256, verbose=0)
    result["samples_per_s"] = n / (time.perf_counter() - t)
elif workload == "cnn_predict_latency":
    result["ms"] = latency(cnn(), rng.random((1, 28, 28, 1), dtype="float32"))
elif workload == "cnn_predict_10k":
    n = 2048 if quick else 10000
    x = rng.random((n, 28, 28, 1), dtype="float32")
    model = cnn()
    model.predict(x, batch_size=256, verbose=0)  # compile
    t = time.perf_counter()
    model.predict(x, batch_size=256, verbose=0)
    result["samples_per_s"] = n / (time.perf_counter() - t)
elif workload == "predict_latency":
    result["ms"] = latency(mlp(), rng.normal(size=(1, 10)).astype("float32"))
elif workload == "text_adapt":
    n = 20000 if quick else 100000
    words = np.array([f"Word{i}," if i % 7 == 0 else f"w{i}"
                      for i in range(20000)])
    # Eight Zipf-distributed words a string, some capitalized, some with
    # punctuation: short "sentences" over a 20k-word vocabulary.
    ids = rng.zipf(1.3, size=(n, 8)) % len(words)
    texts = np.array([" ".join(row) for row in words[ids]])
    layer = L.TextVectorization(max_tokens=20000)
    t = time.perf_counter()
    layer.adapt(texts)
    result["s"] = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
result["max_rss_mib"] = peak / 1024
print("RESULT " + json.dumps(result))
"""

# The text classifiers in PyTorch eager mode: the same data, batch size
# and per-epoch shuffling, torch's default thread count.
TORCH_WORKER = r"""
import json, resource, sys, time
import numpy as np
import torch
from torch import nn
workload, quick = sys.argv[1], sys.argv[2] == "1"
rng = np.random.default_rng(0)
torch.manual_seed(0)
n = 1024 if quick else 4096
length, batch = (64, 32) if workload == "encoder_text_fit" else (100, 64)
x = torch.from_numpy(
    rng.integers(0, 20000, size=(n, length)).astype("int64"))
y = torch.from_numpy(rng.integers(0, 2, size=(n, 1)).astype("float32"))

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

if workload == "encoder_text_fit":
    model = Encoder()
else:
    model = Text(nn.LSTM if workload == "lstm_text_fit" else nn.GRU)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.BCELoss()

def fit():
    model.train()
    order = torch.from_numpy(rng.permutation(n))
    for start in range(0, n, batch):
        index = order[start:start + batch]
        optimizer.zero_grad()
        loss = loss_fn(model(x[index]), y[index])
        loss.backward()
        optimizer.step()
        # The accuracy the other libraries report, and the loss to the host.
        loss.item()

fit()  # warm-up
t = time.perf_counter()
fit()
result = {"samples_per_s": n / (time.perf_counter() - t)}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
result["max_rss_mib"] = peak / 1024
print("RESULT " + json.dumps(result))
"""

# The founding CNN exported by ember to ONNX, run by onnxruntime (its
# default threads, as jax's): batches of 256 as `predict`, or one sample.
ONNX_WORKER = r"""
import json, os, resource, sys, tempfile, time
import numpy as np
import onnxruntime
import ember as keras
from ember.export.onnx import export_onnx
workload, quick = sys.argv[1], sys.argv[2] == "1"
L = keras.layers
rng = np.random.default_rng(0)
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    L.Conv2D(32, (3, 3), activation="relu"), L.MaxPooling2D((2, 2)),
    L.Flatten(), L.Dense(128, activation="relu"),
    L.Dense(10, activation="softmax")])
path = os.path.join(tempfile.mkdtemp(), "cnn.onnx")
export_onnx(model, path, verbose=False)
session = onnxruntime.InferenceSession(
    path, providers=["CPUExecutionProvider"])
name = session.get_inputs()[0].name
result = {}
if workload == "cnn_predict_latency":
    x = rng.random((1, 28, 28, 1), dtype="float32")
    for _ in range(5):
        session.run(None, {name: x})
    times = []
    for _ in range(30 if quick else 100):
        t = time.perf_counter()
        session.run(None, {name: x})
        times.append(time.perf_counter() - t)
    result["ms"] = 1000 * sorted(times)[len(times) // 2]
else:
    n = 2048 if quick else 10000
    x = rng.random((n, 28, 28, 1), dtype="float32")
    session.run(None, {name: x[:256]})  # warm-up
    t = time.perf_counter()
    outputs = [session.run(None, {name: x[i:i + 256]})[0]
               for i in range(0, n, 256)]
    result["samples_per_s"] = n / (time.perf_counter() - t)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
result["max_rss_mib"] = peak / 1024
print("RESULT " + json.dumps(result))
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

WORKLOADS = {
    # name: (measure, higher is better, target ratio ember/keras)
    "mlp_fit": ("samples_per_s", True, 10.0),
    "cnn_fit": ("samples_per_s", True, 1.6),
    "predict_throughput": ("samples_per_s", True, None),
    "predict_latency": ("ms", False, 0.5),
    "cnn_predict_latency": ("ms", False, None),
    "cnn_predict_10k": ("samples_per_s", True, None),
    "import": ("s", False, None),
    "lstm_text_fit": ("samples_per_s", True, 2.0),
    "gru_text_fit": ("samples_per_s", True, 2.0),
    "encoder_text_fit": ("samples_per_s", True, 1.5),
    "text_adapt": ("s", False, None),
    "data_parallel_fit": ("samples_per_s", True, None),
}

# Workloads run on 1 and on 4 simulated CPU devices (DataParallel on 4).
DEVICE_COUNTS = {"data_parallel_fit": (4, 1)}

# Workloads that only ember runs, with an absolute target (at most, in the
# workload's measure).
EMBER_ONLY = {"text_adapt": 2.0}

# Workloads with PyTorch (eager) as a second reference: target ember/torch.
TORCH_TARGETS = {
    "lstm_text_fit": 1.0,
    "gru_text_fit": 1.0,
    "encoder_text_fit": 1.0,
}

# Workloads also run on ember's ONNX export in onnxruntime (no target).
ONNX_WORKLOADS = ("cnn_predict_latency", "cnn_predict_10k")


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
    if library == "torch":
        command = [torch_python, "-c", TORCH_WORKER, workload, flag]
    elif library == "onnxruntime":
        command = [sys.executable, "-c", ONNX_WORKER, workload, flag]
    elif workload == "import":
        command = [sys.executable, "-c", IMPORT_WORKER, library]
    else:
        command = [
            sys.executable,
            "-c",
            WORKER,
            library,
            workload,
            flag,
        ]
    out = subprocess.run(
        command,
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def _goal(ratio: float, target: float | None, higher_is_better: bool) -> str:
    if target is None:
        return ""
    met = ratio >= target if higher_is_better else ratio <= target
    sign = ">=" if higher_is_better else "<="
    return f"{sign} {target} {'met' if met else 'NOT met'}"


def _compare_devices(workload: str, measure: str, args) -> None:
    """ember and keras on each of `DEVICE_COUNTS[workload]`, interleaved:
    the rows per device count and each library's many / one ratio."""
    counts = DEVICE_COUNTS[workload]
    runs = {(lib, n): [] for n in counts for lib in ("ember", "keras")}
    for _ in range(args.repeats):
        for library, devices in runs:
            result = run_once(
                library, workload, args.quick, args.torch_python, devices
            )
            runs[library, devices].append(result[measure])
    medians = {key: statistics.median(values) for key, values in runs.items()}
    for devices in counts:
        ember, keras = medians["ember", devices], medians["keras", devices]
        label = f"{workload} ({devices} dev)"
        print(f"{label:30} {ember:12.1f} {keras:12.1f} {ember / keras:8.2f}")
    many, one = counts
    ember = medians["ember", many] / medians["ember", one]
    keras = medians["keras", many] / medians["keras", one]
    label = f"  {many} / {one} devices"
    print(f"{label:30} {ember:12.2f} {keras:12.2f}  (simulated: overhead)")


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
        measure, higher_is_better, target = WORKLOADS[workload]
        if workload in EMBER_ONLY:
            values = [
                run_once("ember", workload, args.quick, args.torch_python)[
                    measure
                ]
                for _ in range(args.repeats)
            ]
            ember = statistics.median(values)
            limit = EMBER_ONLY[workload]
            met = "met" if ember <= limit else "NOT met"
            print(
                f"{workload + ' (' + measure + ')':30} {ember:12.3f} "
                f"{'-':>12} {'-':>8}  <= {limit} {measure} {met}"
            )
            continue
        if workload in DEVICE_COUNTS:
            _compare_devices(workload, measure, args)
            continue
        libraries = ["ember", "keras"]
        if workload in TORCH_TARGETS:
            libraries.append("torch")
        if workload in ONNX_WORKLOADS:
            libraries.append("onnxruntime")
        runs = {library: [] for library in libraries}
        for _ in range(args.repeats):
            for library in libraries:
                runs[library].append(
                    run_once(library, workload, args.quick, args.torch_python)
                )

        def median(library, key=measure, runs=runs):
            return statistics.median(r[key] for r in runs[library])

        ember, keras = median("ember"), median("keras")
        ratio = ember / keras
        goal = _goal(ratio, target, higher_is_better)
        digits = 3 if measure == "s" else 1
        print(
            f"{workload + ' (' + measure + ')':30} {ember:12.{digits}f} "
            f"{keras:12.{digits}f} {ratio:8.2f}  {goal}"
        )
        if "torch" in libraries:
            torch = median("torch")
            goal = _goal(ember / torch, TORCH_TARGETS[workload], True)
            print(
                f"{'  vs torch (eager)':30} {ember:12.1f} {torch:12.1f} "
                f"{ember / torch:8.2f}  {goal}"
            )
            rss = "  ".join(
                f"{library} {median(library, 'max_rss_mib'):.0f}"
                for library in libraries
            )
            print(f"{'  peak RSS (MiB)':30} {rss}")
        if "onnxruntime" in libraries:
            onnx = median("onnxruntime")
            print(
                f"{'  vs onnxruntime (export)':30} {ember:12.{digits}f} "
                f"{onnx:12.{digits}f} {ember / onnx:8.2f}"
            )
    print(
        f"({args.repeats} interleaved runs each, medians; "
        f"{time.perf_counter() - started:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
