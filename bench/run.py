"""Side-by-side speed of ember and Keras 3 (JAX backend) on the same work.

Workloads: the founding MLP fit, the founding CNN fit, predict throughput,
single-sample predict latency, and the time of `import ember` /
`import keras` in a fresh interpreter (KERAS_BACKEND=jax). The fit
workloads warm up with one fit on the same arrays (ember compiles for the
data's shape: its in-memory data lives on the device and batches are
gathered there), then time a second fit. Each workload runs in a fresh
subprocess per library, interleaved (ember, keras, ember, keras, ...), and
the median of the repeats is reported with the ember / keras ratio.

Usage: `make bench` or `python bench/run.py [--repeats 3] [--quick]`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

WORKER = r"""
import json, os, sys, time
import numpy as np
library, workload, quick = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
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

result = {}
if workload == "mlp_fit":
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
elif workload == "predict_throughput":
    n = 4096 if quick else 16384
    x = rng.random((n, 28, 28, 1), dtype="float32")
    model = cnn()
    model.predict(x[:256 * 32], batch_size=256, verbose=0)  # compile
    t = time.perf_counter()
    model.predict(x, batch_size=256, verbose=0)
    result["samples_per_s"] = n / (time.perf_counter() - t)
elif workload == "predict_latency":
    x = rng.normal(size=(1, 10)).astype("float32")
    model = mlp()
    for _ in range(5):
        model.predict(x, verbose=0)
    times = []
    for _ in range(30 if quick else 100):
        t = time.perf_counter()
        model.predict(x, verbose=0)
        times.append(time.perf_counter() - t)
    result["ms"] = 1000 * sorted(times)[len(times) // 2]
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
    "import": ("s", False, None),
}


def run_once(library: str, workload: str, quick: bool) -> float:
    env = dict(os.environ, PYTHONWARNINGS="ignore", KERAS_BACKEND="jax")
    if workload == "import":
        command = [sys.executable, "-c", IMPORT_WORKER, library]
    else:
        command = [
            sys.executable,
            "-c",
            WORKER,
            library,
            workload,
            "1" if quick else "0",
        ]
    out = subprocess.run(
        command,
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    measure = WORKLOADS[workload][0]
    return json.loads(line[len("RESULT ") :])[measure]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", default=list(WORKLOADS))
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"{'workload':20} {'ember':>12} {'keras':>12} {'ratio':>8}  target")
    for workload in args.only:
        measure, higher_is_better, target = WORKLOADS[workload]
        values = {"ember": [], "keras": []}
        for _ in range(args.repeats):
            for library in ("ember", "keras"):
                values[library].append(run_once(library, workload, args.quick))
        ember = statistics.median(values["ember"])
        keras = statistics.median(values["keras"])
        ratio = ember / keras
        goal = ""
        if target is not None:
            met = ratio >= target if higher_is_better else ratio <= target
            sign = ">=" if higher_is_better else "<="
            goal = f"{sign} {target} {'met' if met else 'NOT met'}"
        digits = 3 if measure == "s" else 1
        print(
            f"{workload + ' (' + measure + ')':20} {ember:12.{digits}f} "
            f"{keras:12.{digits}f} {ratio:8.2f}  {goal}"
        )
    print(
        f"({args.repeats} interleaved runs each, medians; "
        f"{time.perf_counter() - started:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
