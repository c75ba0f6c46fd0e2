"""Host sources are read one chunk ahead of the running execution: the
time a dataset spends loading batches overlaps the compiled steps."""

import time

import numpy as np
import pytest

import ember

STEPS = 40
DELAY = 0.01  # seconds `__getitem__` sleeps per batch


class _Sleepy(ember.utils.PyDataset):
    """`steps` identical batches, each taking `delay` seconds to load."""

    def __init__(self, delay, steps=STEPS, width=512):
        super().__init__()
        self.delay, self.steps, self.loaded = delay, steps, 0
        rng = np.random.default_rng(0)
        self.x = rng.normal(size=(128, width)).astype("float32")
        self.y = rng.normal(size=(128, width)).astype("float32")

    def __len__(self):
        return self.steps

    def __getitem__(self, index):
        time.sleep(self.delay)
        self.loaded += 1
        return self.x, self.y


def _model(width, hidden, steps_per_execution):
    ember.utils.set_random_seed(0)
    model = ember.Sequential(
        [
            ember.Input(shape=(width,)),
            ember.layers.Dense(hidden, activation="relu"),
            ember.layers.Dense(width),
        ]
    )
    model.compile(
        optimizer="sgd", loss="mse", steps_per_execution=steps_per_execution
    )
    return model


def test_the_next_chunk_is_read_before_the_running_one_reports():
    dataset = _Sleepy(0.0, steps=12, width=2)

    class Loaded(ember.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.seen = []

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append(dataset.loaded)

    loaded = Loaded()
    model = _model(2, 2, steps_per_execution=4)
    # A callback with batch hooks makes each execution one step.
    model.fit(dataset, callbacks=[loaded], shuffle=False, verbose=0)
    # When step i reports, batch i + 1 has been read already (and batch
    # 0 once more before the epoch: the first batch, read to build).
    assert loaded.seen == [*range(3, 14), 13]


def _wall(model, delay) -> float:
    started = time.perf_counter()
    model.fit(_Sleepy(delay), shuffle=False, verbose=0)
    return time.perf_counter() - started


@pytest.mark.slow
def test_loading_overlaps_the_compiled_steps():
    # A step of 20 to 80 ms here (twice a batch's 10 ms load or more), four
    # steps per execution: ten executions, and the host loads the next
    # chunk while one runs, so only the first chunk's loading (a tenth of
    # the sleep) should add to the wall time. Without reading ahead, all
    # of it does. Loaded and unloaded runs alternate, and the fastest of
    # each is compared, to shrug off other programs on the cores.
    model = _model(512, 2048, steps_per_execution=4)
    model.fit(_Sleepy(0.0, steps=4), verbose=0)  # compiles
    loaded, unloaded = [], []
    for _ in range(5):
        unloaded.append(_wall(model, 0.0))
        loaded.append(_wall(model, DELAY))
    lost = min(loaded) - min(unloaded)
    assert lost < 0.5 * STEPS * DELAY, (loaded, unloaded)
