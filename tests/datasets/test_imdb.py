import numpy as np
import pytest

from ember.datasets import imdb
from tests.datasets import fake_files


@pytest.fixture
def one_each(home, monkeypatch):
    """One review per split, so the shuffle cannot change the order."""
    path = fake_files.write_imdb(home, [[1, 5, 9]], [1], [[2, 7]], [0])
    monkeypatch.setattr(imdb, "_SHA256", fake_files.sha256(path))


def _lists(array):
    assert array.dtype == object and array.ndim == 1
    return list(array)


# Words w become w + 3 after the start character 1; with num_words=None
# the largest index (9 + 3 = 12) itself becomes the oov character 2.
CASES = [
    ({}, [1, 4, 8, 2], [1, 5, 10]),
    ({"num_words": 9, "skip_top": 2}, [2, 4, 8, 2], [2, 5, 2]),
    ({"num_words": 9, "skip_top": 2, "oov_char": None}, [4, 8], [5]),
    ({"start_char": None, "index_from": 0}, [1, 5, 2], [2, 7]),
    (
        {"start_char": None, "index_from": 0, "num_words": 100},
        [1, 5, 9],
        [2, 7],
    ),
    (
        {"start_char": 0, "index_from": 10, "oov_char": 7},
        [0, 11, 15, 7],
        [0, 12, 17],
    ),
    ({"maxlen": 5}, [1, 4, 8, 2], [1, 5, 10]),
]


@pytest.mark.parametrize(("kwargs", "train", "test"), CASES)
def test_word_processing(one_each, kwargs, train, test):
    (x_train, y_train), (x_test, y_test) = imdb.load_data(**kwargs)
    assert _lists(x_train) == [train]
    assert _lists(x_test) == [test]
    assert y_train.tolist() == [1] and y_test.tolist() == [0]
    assert y_train.dtype == np.int64


def test_maxlen_keeping_nothing_raises(one_each):
    # The training review has 4 words with the start character: not < 4.
    with pytest.raises(ValueError, match="maxlen=4, no sequence was kept"):
        imdb.load_data(maxlen=4)


def test_shuffle_keeps_pairs_and_drops_long_reviews(home, monkeypatch):
    # Each review starts with its label plus 10 and has label + 1 words.
    def reviews(labels):
        return [[y + 10] * (y + 1) for y in labels]

    y_train, y_test = [0, 1, 2, 3, 4, 5], [1, 6, 7]
    path = fake_files.write_imdb(
        home, reviews(y_train), y_train, reviews(y_test), y_test
    )
    monkeypatch.setattr(imdb, "_SHA256", fake_files.sha256(path))
    (x_train, y_tr), (x_test, y_te) = imdb.load_data(
        maxlen=5, start_char=None, index_from=0, num_words=100, seed=7
    )
    assert sorted(y_tr.tolist()) == [0, 1, 2, 3]  # lengths 5, 6 dropped
    assert y_te.tolist() == [1] and x_test.tolist() == [[11, 11]]
    with pytest.raises(ValueError, match="no sequence was kept"):
        # Every test review has 2 words or more.
        imdb.load_data(maxlen=2, start_char=None, index_from=0)
    for x, y in zip(x_train, y_tr, strict=True):
        assert x == [y + 10] * (y + 1)
    order = np.arange(6)
    np.random.RandomState(7).shuffle(order)
    assert y_tr.tolist() == [y for y in order.tolist() if y < 4]


def test_ragged_result_is_one_dimensional_even_for_equal_lengths(
    home, monkeypatch
):
    path = fake_files.write_imdb(home, [[1, 2], [3, 4]], [0, 1], [[5, 6]], [1])
    monkeypatch.setattr(imdb, "_SHA256", fake_files.sha256(path))
    (x_train, _), (x_test, _) = imdb.load_data(num_words=100)
    assert x_train.shape == (2,) and x_test.shape == (1,)


def test_get_word_index(home, monkeypatch):
    path = fake_files.write_word_index(
        home, "imdb_word_index.json", {"the": 1, "and": 2}
    )
    import hashlib

    monkeypatch.setattr(
        imdb, "_INDEX_MD5", hashlib.md5(path.read_bytes()).hexdigest()
    )
    assert imdb.get_word_index() == {"the": 1, "and": 2}
