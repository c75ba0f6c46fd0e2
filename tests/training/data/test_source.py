"""Host sources are read one chunk ahead of the running execution: the
time a dataset spends loading batches overlaps the compiled steps."""

import time

import numpy as np
import pytest

import ember

STEPS = 30
DELAY = 0.02  # seconds `__getitem__` sleeps per batch


class _Sleepy(ember.utils.PyDataset):
    """`STEPS` identical batches, each taking `delay` seconds to load."""

    def __init__(self, delay, steps=STEPS):
        super().__init__()
        self.delay, self.steps = delay, steps
        rng = np.random.default_rng(0)
        self.x = rng.normal(size=(128, 512)).astype("float32")
        self.y = rng.normal(size=(128, 512)).astype("float32")

    def __len__(self):
        return self.steps

    def __getitem__(self, index):
        time.sleep(self.delay)
        return self.x, self.y


def _wall(model, delay) -> float:
    started = time.perf_counter()
    model.fit(_Sleepy(delay), shuffle=False, verbose=0)
    return time.perf_counter() - started


@pytest.mark.slow
def test_loading_overlaps_the_compiled_steps():
    # A step of a few tens of milliseconds (more than a batch's load), three
    # steps per execution: ten executions, and the host loads the next
    # chunk while one runs, so only the first chunk's loading (a tenth of
    # the sleep) should add to the wall time. Without reading ahead, all
    # of it does. Loaded runs and unloaded runs alternate, and the fastest
    # of each is compared, to shrug off a busy machine.
    ember.utils.set_random_seed(0)
    model = ember.Sequential(
        [
            ember.Input(shape=(512,)),
            ember.layers.Dense(1536, activation="relu"),
            ember.layers.Dense(512),
        ]
    )
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=3)
    model.fit(_Sleepy(0.0, steps=3), verbose=0)  # compiles
    loaded, unloaded = [], []
    for _ in range(3):
        unloaded.append(_wall(model, 0.0))
        loaded.append(_wall(model, DELAY))
    lost = min(loaded) - min(unloaded)
    assert lost < 0.5 * STEPS * DELAY, (loaded, unloaded)
