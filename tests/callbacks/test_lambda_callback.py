import numpy as np

import ember
from ember.callbacks import LambdaCallback
from ember.callbacks import overrides_batch_hooks

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 2)).astype("float32")
Y = X.sum(axis=1, keepdims=True)


def model_with(steps_per_execution=1):
    model = ember.Sequential([ember.Input((2,)), ember.layers.Dense(1)])
    model.compile("sgd", loss="mse", steps_per_execution=steps_per_execution)
    return model


def test_each_hook_is_called_with_its_arguments():
    events = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: events.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: events.append(("begin", epoch)),
        on_epoch_end=lambda epoch, logs: events.append(
            ("end", epoch, sorted(logs))
        ),
        on_train_end=lambda logs: events.append("train_end"),
    )
    model_with().fit(
        X, Y, batch_size=8, epochs=2, verbose=0, callbacks=[callback]
    )
    assert events == [
        "train_begin",
        ("begin", 0),
        ("end", 0, ["loss"]),
        ("begin", 1),
        ("end", 1, ["loss"]),
        "train_end",
    ]


def test_batch_hooks_see_every_batch_even_with_chunked_steps():
    batches = []
    callback = LambdaCallback(
        on_train_batch_end=lambda batch, logs: batches.append(batch)
    )
    assert overrides_batch_hooks(callback)
    assert not overrides_batch_hooks(LambdaCallback(on_epoch_end=print))
    model = model_with(steps_per_execution=4)
    model.fit(X, Y, batch_size=2, epochs=1, verbose=0, callbacks=[callback])
    assert batches == list(range(8))


def test_other_hooks_by_keyword():
    events = []
    callback = LambdaCallback(
        on_batch_begin=lambda batch, logs: events.append(("batch", batch)),
        on_test_end=lambda logs: events.append(("test_end", sorted(logs))),
    )
    model_with().fit(
        X,
        Y,
        batch_size=8,
        epochs=1,
        verbose=0,
        validation_data=(X, Y),
        callbacks=[callback],
    )
    assert events == [("batch", 0), ("batch", 1), ("test_end", ["loss"])]
