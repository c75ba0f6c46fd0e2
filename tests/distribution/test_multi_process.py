"""fit / evaluate / predict across two processes (2 CPU devices each),
joined by `ember.distribution.initialize` over 127.0.0.1, against the
same model trained in one process."""

import numpy as np
import pytest

import ember
from tests.distribution._devices import run_on_two_processes

_DATA = """
import numpy as np
import ember
rng = np.random.default_rng(0)
x = rng.normal(size=(64, 5)).astype("float32")
y = rng.normal(size=(64, 3)).astype("float32")


def model():
    ember.utils.set_random_seed(1)
    m = ember.Sequential([
        ember.Input((5,)),
        ember.layers.Dense(8, activation="relu"),
        ember.layers.Dense(3),
    ])
    m.compile(optimizer=ember.optimizers.SGD(0.05), loss="mse")
    return m
"""

_WORKER = (
    """
import json, os
from ember import distribution
process = int(os.environ["PROCESS_ID"])
distribution.initialize(os.environ["COORDINATOR"], 2, process)
"""
    + _DATA
    + """
out = {"devices": [len(distribution.list_devices()), process]}
strategy = distribution.DataParallel()
distribution.set_distribution(strategy)

# The same arrays in both processes: each global batch of 16 is split
# over the 4 devices.
m = model()
m.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
out["shared"] = {
    "weights": [w.tolist() for w in m.get_weights()],
    "evaluate": m.evaluate(x, y, batch_size=16, verbose=0),
    "predict": m.predict(x, batch_size=16, verbose=0).tolist(),
}

# Only arrays can be split for the processes.
try:
    m.fit((batch for batch in [(x[:16], y[:16])]), verbose=0)
except ValueError as error:
    out["error"] = str(error)

# Each process feeds its own rows: its batches of 8 are its part of each
# global batch of 16 (process 0: rows 0-7, 16-23, ...).
strategy.auto_shard_dataset = False
rows = np.concatenate([np.arange(i, i + 8) for i in range(8 * process, 64, 16)])
for source in ("arrays", "generator"):
    m = model()
    if source == "arrays":
        m.fit(x[rows], y[rows], batch_size=8, epochs=2, shuffle=False,
              verbose=0)
    else:
        for _ in range(2):
            m.fit(((x[rows[i:i + 8]], y[rows[i:i + 8]])
                   for i in range(0, 32, 8)), verbose=0)
    out[source] = {
        "weights": [w.tolist() for w in m.get_weights()],
        "evaluate": m.evaluate(x[rows], y[rows], batch_size=8, verbose=0),
        # This process' rows' predictions.
        "predict": m.predict(x[rows], batch_size=8, verbose=0).tolist(),
        "rows": rows.tolist(),
    }
print(json.dumps(out))
"""
)


@pytest.fixture(scope="module")
def runs():
    return run_on_two_processes(_WORKER)


@pytest.fixture(scope="module")
def one_process():
    namespace = {}
    exec(_DATA, namespace)
    m = namespace["model"]()
    x, y = namespace["x"], namespace["y"]
    m.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    return {
        "weights": m.get_weights(),
        "evaluate": m.evaluate(x, y, batch_size=16, verbose=0),
        "predict": m.predict(x, batch_size=16, verbose=0),
    }


def _close(weights, expected):
    return max(
        float(np.abs(np.asarray(a) - b).max())
        for a, b in zip(weights, expected, strict=True)
    )


@pytest.mark.slow
def test_two_processes_see_four_devices(runs):
    assert [run["devices"] for run in runs] == [[4, 0], [4, 1]]


@pytest.mark.slow
def test_shared_arrays_train_as_one_process(runs, one_process):
    for run in runs:
        shared = run["shared"]
        assert _close(shared["weights"], one_process["weights"]) < 1e-5
        assert abs(shared["evaluate"] - one_process["evaluate"]) < 1e-5
        assert _close([shared["predict"]], [one_process["predict"]]) < 1e-5


@pytest.mark.slow
@pytest.mark.parametrize("source", ["arrays", "generator"])
def test_each_process_feeding_its_share_trains_as_one_process(
    runs, one_process, source
):
    for run in runs:
        assert _close(run[source]["weights"], one_process["weights"]) < 1e-5
        assert abs(run[source]["evaluate"] - one_process["evaluate"]) < 1e-5
        expected = one_process["predict"][run[source]["rows"]]
        assert _close([run[source]["predict"]], [expected]) < 1e-5


@pytest.mark.slow
def test_auto_sharding_takes_only_arrays(runs):
    message = runs[0]["error"]
    assert "auto-sharding enabled, the data must be in-memory arrays" in (
        message
    )
    assert "distribution.auto_shard_dataset = False" in message
    assert "Received: type(x)=<class 'generator'>" in message


def test_one_process_is_not_per_process_data():
    from ember.training import sharding

    with ember.distribution.DataParallel(auto_shard_dataset=False).scope():
        assert not sharding.per_process_data()
