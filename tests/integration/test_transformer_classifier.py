"""A transformer text classifier as a Keras user writes one: raw strings
through TextVectorization, an Embedding with a padding mask, one encoder
block and a pooled sigmoid head, trained with `fit` on a numpy array of
strings."""

import numpy as np
import pytest

import ember
from ember import layers

FILLER = [f"w{i}" for i in range(30)]
POSITIVE = ["good", "great", "fine", "happy"]
NEGATIVE = ["bad", "awful", "poor", "sad"]
NEGATION = ["not", "never"]


def sentences(n: int, rng: np.random.Generator) -> tuple:
    """Sentences of 6-10 filler words with 1 or 3 sentiment words and, half
    the time, a negation word, all at distinct random places.

    The label is 1 when the positive words outnumber the negative ones,
    flipped when a negation word is present: an XOR of two bag-of-words
    features, which no linear model of word counts separates.
    """
    texts, labels = [], []
    for _ in range(n):
        length = rng.integers(6, 11)
        words = list(rng.choice(FILLER, size=length))
        count = rng.choice([1, 3])
        positive = rng.integers(0, count + 1)
        injected = [
            *rng.choice(POSITIVE, positive),
            *rng.choice(NEGATIVE, count - positive),
        ]
        negated = rng.random() < 0.5
        if negated:
            injected.append(rng.choice(NEGATION))
        places = rng.choice(length, len(injected), replace=False)
        for word, place in zip(injected, places, strict=True):
            words[place] = word.capitalize() if rng.random() < 0.2 else word
        texts.append(" ".join(words) + ".")
        labels.append(float((2 * positive > count) != negated))
    return np.array(texts), np.array(labels, "float32")[:, None]


def encoder_classifier(vectorize, vocabulary_size: int) -> ember.Model:
    """TextVectorization -> Embedding -> encoder block -> pooled head."""
    inputs = ember.Input(shape=(1,), dtype="string")
    tokens = vectorize(inputs)
    x = layers.Embedding(vocabulary_size, 16, mask_zero=True)(tokens)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=8)(x, x)
    x = layers.LayerNormalization()(layers.Add()([x, attended]))
    hidden = layers.Dense(32, activation="relu")(x)
    x = layers.LayerNormalization()(layers.Add()([x, layers.Dense(16)(hidden)]))
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return ember.Model(inputs, outputs)


@pytest.mark.slow
def test_encoder_block_learns_negated_sentiment_from_strings(tmp_path):
    rng = np.random.default_rng(0)
    x, y = sentences(2500, rng)
    x_train, y_train, x_test, y_test = x[:2000], y[:2000], x[2000:], y[2000:]

    # The task is not a bag of words: the best linear model of the word
    # counts is near chance.
    linear_model = pytest.importorskip("sklearn.linear_model")
    counts = layers.TextVectorization(max_tokens=64, output_mode="count")
    counts.adapt(x_train)
    baseline = linear_model.LogisticRegression(max_iter=1000)
    baseline.fit(np.asarray(counts(x_train)), y_train[:, 0])
    assert baseline.score(np.asarray(counts(x_test)), y_test[:, 0]) < 0.65

    ember.utils.set_random_seed(0)
    vectorize = layers.TextVectorization(
        max_tokens=64, output_sequence_length=10
    )
    vectorize.adapt(x_train)
    # 30 filler + 8 sentiment + 2 negation words, the padding and OOV.
    assert vectorize.vocabulary_size() == 42
    model = encoder_classifier(vectorize, vectorize.vocabulary_size())
    model.compile(
        ember.optimizers.Adam(1e-2),
        "binary_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
    assert history.history["accuracy"][-1] >= 0.95

    predicted = model.predict(x_test, verbose=0)
    assert np.mean((predicted > 0.5) == (y_test > 0.5)) >= 0.95

    # The vocabulary travels in the `.keras` file with the weights.
    path = tmp_path / "classifier.keras"
    model.save(path)
    restored = ember.saving.load_model(path)
    np.testing.assert_allclose(
        restored.predict(x_test[:64], verbose=0), predicted[:64], rtol=1e-5
    )
