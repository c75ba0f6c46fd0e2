"""TextVectorization against Keras' documented examples and hand-computed
vocabularies, indices, counts and tf-idf values (Keras' own layer needs
TensorFlow); and in a model trained with `fit` on strings."""

import numpy as np
import pytest

import ember

L = ember.layers
TextVectorization = L.TextVectorization


def values(x):
    return np.asarray(x).tolist()


def test_keras_example_adapt_then_pad():
    layer = TextVectorization(max_tokens=5000, output_sequence_length=4)
    layer.adapt(["foo bar", "bar baz", "baz bada boom"])
    assert layer.get_vocabulary() == [
        "",
        "[UNK]",
        "baz",
        "bar",
        "foo",
        "boom",
        "bada",
    ]
    assert values(layer([["foo qux bar"], ["qux baz"]])) == [
        [4, 1, 3, 0],
        [1, 2, 0, 0],
    ]


def test_keras_example_given_vocabulary():
    layer = TextVectorization(
        output_sequence_length=4, vocabulary=["earth", "wind", "and", "fire"]
    )
    assert layer.get_vocabulary() == [
        "",
        "[UNK]",
        "earth",
        "wind",
        "and",
        "fire",
    ]
    assert layer.vocabulary_size() == 6
    assert values(layer(["Wind, and FIRE! earth"])) == [[3, 4, 5, 2]]


def test_called_outside_a_model():
    layer = TextVectorization()
    layer.adapt(["some text", "more text"])
    assert layer.get_vocabulary() == ["", "[UNK]", "text", "some", "more"]
    # Without output_sequence_length: padded to the batch's longest.
    assert values(layer(["some text"])) == [[3, 2]]
    assert values(layer(["text", "some more text"])) == [
        [2, 0, 0],
        [3, 4, 2],
    ]


def test_standardize_modes():
    text = ["Hello, World! ÉCOLE"]

    def tokens(standardize):
        layer = TextVectorization(standardize=standardize)
        layer.adapt(text)
        return sorted(layer.get_vocabulary(include_special_tokens=False))

    # Lowercasing is TensorFlow's: ASCII letters only.
    assert tokens("lower_and_strip_punctuation") == ["hello", "world", "École"]
    assert tokens("lower") == ["hello,", "world!", "École"]
    assert tokens("strip_punctuation") == ["Hello", "World", "ÉCOLE"]
    assert tokens(None) == ["Hello,", "World!", "ÉCOLE"]
    assert tokens(np.char.upper) == ["HELLO,", "WORLD!", "ÉCOLE"]


def test_split_modes():
    layer = TextVectorization(split="character", standardize=None)
    layer.adapt(["abca"])
    assert layer.get_vocabulary() == ["", "[UNK]", "a", "c", "b"]
    assert values(layer(["cab"])) == [[3, 2, 4]]
    whole = TextVectorization(split=None)
    whole.adapt(np.array([["new york"], ["new york"], ["paris"]]))
    assert whole.get_vocabulary() == ["", "[UNK]", "new york", "paris"]
    assert values(whole(np.array([["paris"], ["rome"]]))) == [[3], [1]]
    custom = TextVectorization(
        standardize="lower", split=lambda x: [t.split("-") for t in x]
    )
    custom.adapt(["a-b-b"])
    assert custom.get_vocabulary() == ["", "[UNK]", "b", "a"]
    assert values(custom(["B-a"])) == [[2, 3]]
    # Whitespace is ASCII whitespace; runs of it are one separator.
    spaces = TextVectorization()
    spaces.adapt(["  a \t b\n\nc  "])
    assert sorted(spaces.get_vocabulary()[2:]) == ["a", "b", "c"]


def test_ngrams():
    layer = TextVectorization(ngrams=2)
    layer.adapt(["a b c"])
    # Unigrams, then bigrams; all counts 1: the greater token first.
    assert layer.get_vocabulary() == ["", "[UNK]", "c", "b c", "b", "a b", "a"]
    assert values(layer(["a b"])) == [[6, 4, 5]]
    bigrams = TextVectorization(ngrams=(2,))
    bigrams.adapt(["a b c", "b c"])
    assert bigrams.get_vocabulary() == ["", "[UNK]", "b c", "a b"]
    assert bigrams.get_config()["ngrams"] == (2,)


def test_multi_hot_count_and_tf_idf():
    docs = ["the cat sat", "the dog sat", "the cat"]
    multi = TextVectorization(output_mode="multi_hot")
    multi.adapt(docs)
    # Counts: the 3, sat 2, cat 2, dog 1; no padding index.
    assert multi.get_vocabulary() == ["[UNK]", "the", "sat", "cat", "dog"]
    assert values(multi(["the the bird"])) == [[1, 1, 0, 0, 0]]
    count = TextVectorization(
        output_mode="count", pad_to_max_tokens=True, max_tokens=7
    )
    count.adapt(docs)
    assert values(count(["the the bird", ""])) == [
        [1, 2, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
    ]
    tf_idf = TextVectorization(output_mode="tf_idf")
    tf_idf.adapt(docs)
    idf = np.log(1 + 3 / (1 + np.array([3, 2, 2, 1])))
    weights = np.concatenate([[idf.mean()], idf])
    np.testing.assert_allclose(
        tf_idf(["the the cat bird"]),
        [[weights[0], 2 * weights[1], 0, weights[3], 0]],
        rtol=1e-6,
    )
    given = TextVectorization(
        output_mode="tf_idf", vocabulary=["cat", "dog"], idf_weights=[0.5, 2.0]
    )
    np.testing.assert_allclose(given(["dog dog owl"]), [[1.25, 0, 4.0]])


def test_output_sequence_length_cuts_and_pads():
    layer = TextVectorization(output_sequence_length=2, vocabulary=["x", "y"])
    assert values(layer(["x y x y", "y", ""])) == [[2, 3], [3, 0], [0, 0]]


def test_adapt_sources_and_max_tokens():
    texts = ["b a", "c b", "a b"]
    expected = ["", "[UNK]", "b", "a", "c"]

    def learned(data, **kwargs):
        layer = TextVectorization(**kwargs)
        layer.adapt(data)
        return layer.get_vocabulary()

    assert learned(texts) == expected
    assert learned(np.array(texts)) == expected
    assert learned(np.array(texts, dtype="S")[:, None]) == expected
    assert learned(iter([np.array(texts[:2]), texts[2:]])) == expected
    assert learned(texts, max_tokens=4) == expected[:4]
    latin = np.array(["café", "thé"], dtype=object)
    latin = np.array([t.encode("latin-1") for t in latin])
    assert learned(latin, encoding="latin-1")[2:] == ["thé", "café"]


def test_vocabulary_file_and_set_vocabulary(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("earth\nwind\n", encoding="utf-8")
    layer = TextVectorization(vocabulary=str(path))
    assert layer.get_vocabulary() == ["", "[UNK]", "earth", "wind"]
    layer.set_vocabulary(["fire"])
    assert values(layer(["fire earth"])) == [[2, 1]]


def test_symbolic_shapes():
    inputs = ember.Input(shape=(1,), dtype="string")
    out = TextVectorization(output_sequence_length=6)(inputs)
    assert (out.shape, out.dtype) == ((None, 6), "int64")
    layer = TextVectorization(output_mode="count", vocabulary=["a", "b"])
    out = layer(inputs)
    assert (out.shape, out.dtype) == ((None, 3), "float32")


def test_errors_before_any_state_changes():
    layer = TextVectorization(name="text")
    with pytest.raises(ValueError, match=r'"text" has no vocabulary yet'):
        layer(["some text"])
    assert not layer.built
    with pytest.raises(ValueError, match=r'"text" expects strings.*\[1, 2\]'):
        layer.adapt(np.array([1, 2]))
    assert layer.get_vocabulary() == ["", "[UNK]"]
    layer.adapt(["some text"])
    with pytest.raises(ValueError, match=r"expects strings.*\[1\.5\]"):
        layer(np.array([1.5]))
    assert not layer.built
    with pytest.raises(ValueError, match="last dimension of 1"):
        layer(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="expects strings"):
        layer(ember.Input(shape=(1,), dtype="int32"))
    with pytest.raises(ValueError, match="Cannot adapt"):
        TextVectorization(vocabulary=["a"]).adapt(["a"])
    with pytest.raises(ValueError, match="`standardize` must be"):
        TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="`split` must be"):
        TextVectorization(split="comma")
    with pytest.raises(ValueError, match="output_sequence_length"):
        TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="ragged=True"):
        TextVectorization(ragged=True)


def shout(x):
    return np.char.upper(x)


def test_config_round_trip():
    layer = TextVectorization(
        max_tokens=10, ngrams=(1, 2), vocabulary=["a", "b"], name="tv"
    )
    config = layer.get_config()
    assert set(config) == {
        "name",
        "trainable",
        "dtype",
        "max_tokens",
        "standardize",
        "split",
        "ngrams",
        "output_mode",
        "output_sequence_length",
        "pad_to_max_tokens",
        "sparse",
        "ragged",
        "vocabulary",
        "idf_weights",
        "encoding",
        "vocabulary_size",
    }
    assert config["vocabulary_size"] == 4
    assert TextVectorization.from_config(config).get_config() == config
    with ember.saving.custom_object_scope({"shout": shout}):
        custom = TextVectorization(standardize=shout, vocabulary=["A"])
        restored = L.deserialize(L.serialize(custom))
    assert values(restored(["a"])) == [[2]]
    with pytest.raises(ValueError, match="refused in safe mode"):
        TextVectorization.from_config(
            {**config, "vocabulary": "/etc/hostname"}, safe_mode=True
        )


def test_sequential_fit_on_strings_after_adapt():
    ember.utils.set_random_seed(0)
    good = ["good", "great", "nice", "fine"]
    bad = ["bad", "awful", "poor", "sad"]
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for i in range(64):
        words = good if i % 2 else bad
        texts.append(" ".join(rng.choice(words, 3)) + " the movie")
        labels.append(i % 2)
    texts = np.array(texts)
    labels = np.array(labels, "float32")
    vectorize = TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorize.adapt(texts)
    model = ember.Sequential(
        [
            vectorize,
            L.Embedding(20, 8),
            L.GlobalAveragePooling1D(),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        ember.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(texts, labels, epochs=15, batch_size=16, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    predictions = model.predict(
        np.array(["good nice", "awful poor"]), verbose=0
    )
    assert predictions[0, 0] > 0.5 > predictions[1, 0]
    np.testing.assert_allclose(
        predictions, model(np.array([["good nice"], ["awful poor"]])), rtol=1e-6
    )
