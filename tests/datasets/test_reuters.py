import numpy as np
import pytest

from ember.datasets import reuters
from tests.datasets import fake_files


@pytest.fixture
def wires(home, monkeypatch):
    """Five wires; wire y is [y + 1] * (y + 1) with topic y."""
    labels = [0, 1, 2, 3, 4]
    path = fake_files.write_reuters(
        home, [[y + 1] * (y + 1) for y in labels], labels
    )
    monkeypatch.setattr(reuters, "_SHA256", fake_files.sha256(path))
    return labels


def _by_label(split):
    x, y = split
    assert x.dtype == object and x.ndim == 1 and y.dtype == np.int64
    return dict(zip(y.tolist(), list(x), strict=True))


def test_split_and_processing(wires):
    # num_words=5, skip_top=2: after the shift by 3 only 2..4 survive
    # (start character 1 becomes oov 2 too, being below skip_top).
    train, test = reuters.load_data(num_words=5, skip_top=2, test_split=0.4)
    assert len(train[0]) == 3 and len(test[0]) == 2  # int(5 * 0.6)
    wires = {**_by_label(train), **_by_label(test)}
    assert wires == {
        0: [2, 4],
        1: [2, 2, 2],
        2: [2, 2, 2, 2],
        3: [2, 2, 2, 2, 2],
        4: [2, 2, 2, 2, 2, 2],
    }
    order = np.arange(5)
    np.random.RandomState(113).shuffle(order)
    assert train[1].tolist() + test[1].tolist() == order.tolist()


def test_maxlen_oov_none_and_default_num_words(wires):
    train, test = reuters.load_data(
        maxlen=4, oov_char=None, start_char=None, index_from=0, test_split=0
    )
    # Wires of 4 words or more are dropped; num_words=None is the largest
    # index left (3), which itself is dropped with oov_char=None.
    assert _by_label(train) == {0: [1], 1: [2, 2], 2: []}
    assert len(test[0]) == 0


def test_label_names():
    names = reuters.get_label_names()
    assert len(names) == 46
    assert names[:4] == ("cocoa", "grain", "veg-oil", "earn")
    assert names[-1] == "lead"
