"""Where Keras' own saving code puts a TextVectorization's vocabulary.

Keras' TextVectorization needs TensorFlow, so stand-in Keras layers with
the same class names and the same hooks (`save_assets` on the layer, and a
StringLookup in `_lookup_layer` writing `vocabulary.txt`) show which
archive members and weight groups Keras 3 writes; ember's archive of a
real TextVectorization has the same ones."""

import io
import os
import zipfile

import h5py
import keras
import numpy as np

import ember


def _keras_members(folder) -> tuple[set, set]:
    class StringLookup(keras.layers.Layer):
        def save_assets(self, dir_path):
            with open(os.path.join(dir_path, "vocabulary.txt"), "w") as f:
                f.write("\n[UNK]\na")

        def call(self, x):
            return x

    class TextVectorization(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._lookup_layer = StringLookup()

        def build(self, input_shape):
            pass

        def save_assets(self, dir_path):
            self._lookup_layer.save_assets(dir_path)

        def call(self, x):
            return x

    model = keras.Sequential(
        [keras.Input((1,)), TextVectorization(), keras.layers.Dense(1)]
    )
    path = os.path.join(folder, "keras.keras")
    model.save(path)
    return _members(path)


def _members(buffer) -> tuple[set, set]:
    with zipfile.ZipFile(buffer) as zf:
        assets = {n for n in zf.namelist() if n.startswith("assets/")}
        groups: list[str] = []
        h5py.File(io.BytesIO(zf.read("model.weights.h5"))).visit(groups.append)
    vectorizer = {g for g in groups if g.startswith("layers/text_vector")}
    return assets, vectorizer


def test_ember_writes_the_asset_members_and_groups_keras_writes(tmp_path):
    vectorize = ember.layers.TextVectorization(output_mode="multi_hot")
    vectorize.adapt(np.array(["a"]))
    model = ember.Sequential(
        [ember.Input((1,), dtype="string"), vectorize, ember.layers.Dense(1)]
    )
    buffer = io.BytesIO()
    model.save(buffer)
    assert _members(buffer) == _keras_members(str(tmp_path))
