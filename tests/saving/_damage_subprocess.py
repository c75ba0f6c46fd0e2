"""The subprocess side of the damaged-file test.

`python -m tests.saving._damage_subprocess make DIR` saves, with the
installed Keras, the small models whose files are damaged into `DIR`
(`<name>.keras` and `<name>.npz`, one batch of inputs). `... load NPZ
FILE...` loads each file with ember in turn, predicts the batch, and prints
one JSON line per file: `{"index", "outcome", "type", "message"}`, where
outcome is `"ok"` or `"raised"`.
"""

import json
import sys
import traceback


def _models(keras):
    layers = keras.layers
    mlp = keras.Sequential(
        [
            keras.Input((6,)),
            layers.Dense(8, activation="relu"),
            layers.Dropout(0.1),
            layers.Dense(3, activation="softmax"),
        ],
        name="mlp",
    )
    image = keras.Input((8, 8, 3))
    x = layers.Conv2D(4, 3, padding="same")(image)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    cnn = keras.Model(image, layers.Dense(2)(x), name="cnn")
    tokens = keras.Input((5,), dtype="int32")
    x = layers.Embedding(20, 4)(tokens)
    x = layers.GlobalAveragePooling1D()(x)
    embedding = keras.Model(tokens, layers.Dense(1)(x), name="embedding")
    inner_in = keras.Input((4,))
    inner = keras.Model(
        inner_in,
        layers.Dense(4, kernel_initializer="he_normal")(inner_in),
        name="inner",
    )
    a = keras.Input((4,), name="a")
    b = keras.Input((3,), name="b")
    merged = layers.Concatenate(axis=-1)([inner(a), layers.Dense(2)(b)])
    x = layers.LayerNormalization()(merged)
    nested = keras.Model([a, b], layers.Dense(2)(x), name="nested")
    return {"mlp": mlp, "cnn": cnn, "embedding": embedding, "nested": nested}


def _inputs(model, rng):
    arrays = []
    for tensor in model.inputs:
        shape = (2,) + tuple(tensor.shape[1:])
        if "int" in str(tensor.dtype):
            arrays.append(rng.integers(0, 20, size=shape).astype("int32"))
        else:
            arrays.append(rng.normal(size=shape).astype("float32"))
    return arrays


def make(directory):
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    for name, model in _models(keras).items():
        x = _inputs(model, rng)
        y = rng.normal(size=(2,) + tuple(model.outputs[0].shape[1:]))
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y.astype("float32"), epochs=1, batch_size=2, verbose=0)
        model.save(f"{directory}/{name}.keras")
        np.savez(f"{directory}/{name}.npz", *x)


def _describe(error):
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return {
        "outcome": "raised",
        "type": type(error).__name__,
        "message": str(error)[:300],
        "where": where,
    }


def load(npz, files):
    import numpy as np

    import ember

    with np.load(npz) as data:
        x = [data[f"arr_{i}"] for i in range(len(data.files))]
    for index, path in files:
        try:
            model = ember.saving.load_model(path)
            model.predict(x if len(x) > 1 else x[0], verbose=0)
            result = {"outcome": "ok"}
        except Exception as error:  # Classified by the test.
            result = _describe(error)
        print(json.dumps({"index": index, **result}), flush=True)


def _limit_self():
    """Applies the memory and CPU-time limits the test passes in
    `EMBER_DAMAGE_LIMITS` (`"bytes,seconds"`), before anything loads. (Set
    here rather than in a `preexec_fn`, which would fork a process that
    runs JAX's threads.)"""
    import os
    import resource

    limits = os.environ.get("EMBER_DAMAGE_LIMITS")
    if limits:
        memory, seconds = (int(v) for v in limits.split(","))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
        os.nice(19)


if __name__ == "__main__":
    _limit_self()
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        items = [
            (int(a.split("=", 1)[0]), a.split("=", 1)[1]) for a in sys.argv[3:]
        ]
        load(sys.argv[2], items)
