"""fit / evaluate / predict under a distribution, on 4 simulated CPU
devices (in a subprocess: the suite keeps one device), against the same
model trained on one device."""

import numpy as np
import pytest

from tests.distribution._devices import run_on_four_devices

_COMPARE = """
import io, json
import numpy as np
import ember
from ember import distribution

rng = np.random.default_rng(0)
x = rng.normal(size=(64, 5)).astype("float32")
y = rng.normal(size=(64, 3)).astype("float32")


def generator():
    for i in range(0, 64, 16):
        yield x[i:i + 16], y[i:i + 16]


def model():
    ember.utils.set_random_seed(1)
    m = ember.Sequential([
        ember.Input((5,)),
        ember.layers.Dense(8, activation="relu", name="dense_a"),
        ember.layers.Dense(3, name="dense_b"),
    ])
    m.compile(optimizer=ember.optimizers.SGD(0.05), loss="mse",
              metrics=["mae"])
    return m


def run(strategy, source):
    m = model()
    if strategy is not None:
        distribution.set_distribution(strategy)
    try:
        if source == "arrays":
            m.fit(x, y, batch_size=16, epochs=3, verbose=0)
        else:
            m.fit(generator(), epochs=1, verbose=0)
        logs = m.evaluate(x, y, batch_size=16, verbose=0)
        # 62 samples: a last batch of 14 that 4 devices do not divide.
        prediction = m.predict(x[:62], batch_size=16, verbose=0)
        specs = [tuple(v.value.sharding.spec) if strategy else None
                 for v in m.trainable_variables]
        buffer = io.BytesIO()
        m.save(buffer)
    finally:
        distribution.set_distribution(None)
    loaded = ember.saving.load_model(io.BytesIO(buffer.getvalue()))
    reloaded = loaded.predict(x[:62], verbose=0)
    return m.get_weights(), logs, prediction, specs, reloaded


mesh = distribution.DeviceMesh((2, 2), ["batch", "model"])
layout_map = distribution.LayoutMap(mesh)
layout_map[".*dense_a/kernel"] = (None, "model")
layout_map[".*dense_a/bias"] = ("model",)
strategies = {
    "data": distribution.DataParallel(),
    "model": distribution.ModelParallel(layout_map=layout_map),
}
out = {}
for source in ("arrays", "generator"):
    base = run(None, source)
    for name, strategy in strategies.items():
        weights, logs, prediction, specs, reloaded = run(strategy, source)
        out[f"{name}/{source}"] = {
            "weights": max(float(np.abs(a - b).max())
                           for a, b in zip(weights, base[0])),
            "logs": max(abs(a - b) for a, b in zip(logs, base[1])),
            "predict": float(np.abs(prediction - base[2]).max()),
            "reloaded": float(np.abs(reloaded - prediction).max()),
            "specs": [list(s) for s in specs],
        }

# Adam's moments follow their variables' layouts through fit.
m = model()
m.compile(optimizer="adam", loss="mse")
distribution.set_distribution(strategies["model"])
try:
    m.fit(x, y, batch_size=16, epochs=1, verbose=0)
finally:
    distribution.set_distribution(None)
out["slots"] = {
    v.path: list(v.value.sharding.spec) for v in m.optimizer.variables
    if "dense_a" in v.path
}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def results():
    return run_on_four_devices(_COMPARE)


@pytest.mark.slow
@pytest.mark.parametrize("source", ["arrays", "generator"])
@pytest.mark.parametrize("strategy", ["data", "model"])
def test_distributed_fit_matches_one_device(results, strategy, source):
    result = results[f"{strategy}/{source}"]
    assert result["weights"] < 1e-5
    assert result["logs"] < 1e-5
    assert result["predict"] < 1e-5
    # Saved under the distribution, loaded on one device.
    assert result["reloaded"] < 1e-6


@pytest.mark.slow
def test_variables_keep_their_layouts_through_fit(results):
    # Replicated everywhere under DataParallel (XLA writes `P()` for a
    # replicated vector); the layout map's split under ModelParallel.
    data = results["data/arrays"]["specs"]
    assert all(axis is None for spec in data for axis in spec)
    model = results["model/arrays"]["specs"]
    assert model[:2] == [[None, "model"], ["model"]]
    assert all(axis is None for spec in model[2:] for axis in spec)


@pytest.mark.slow
def test_optimizer_slots_follow_their_variables_layouts(results):
    slots = results["slots"]
    kernel = [s for path, s in slots.items() if "kernel" in path]
    bias = [s for path, s in slots.items() if "bias" in path]
    # Adam's momentum and velocity of each.
    assert kernel == [[None, "model"]] * 2
    assert bias == [["model"]] * 2


def test_without_a_distribution_nothing_is_placed():
    from ember.training import sharding

    values = [np.ones(3)]
    assert sharding.place_values([object()], values) is values
    assert sharding.constrain_batch(values) is values
    assert sharding.current_key() is None
