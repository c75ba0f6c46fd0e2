import numpy as np
import pytest

from ember.datasets import boston_housing
from ember.datasets import california_housing
from tests.datasets import fake_files


def _expected(path, test_split, seed, limit=None):
    with np.load(path) as f:
        x, y = f["x"][:limit], f["y"][:limit]
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    cut = int(len(x) * (1 - test_split))
    return x[order][:cut], y[order][:cut], x[order][cut:], y[order][cut:]


@pytest.mark.parametrize(("test_split", "seed"), [(0.2, 113), (0.5, 3)])
def test_boston_housing(home, monkeypatch, test_split, seed):
    path = fake_files.write_housing(home, "boston_housing.npz", 11, 13, "f8")
    monkeypatch.setattr(boston_housing, "_SHA256", fake_files.sha256(path))
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(
        test_split=test_split, seed=seed
    )
    for got, want in zip(
        (x_train, y_train, x_test, y_test),
        _expected(path, test_split, seed),
        strict=True,
    ):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == np.float64
    assert x_train.shape == (int(11 * (1 - test_split)), 13)


@pytest.mark.parametrize(
    ("version", "limit"), [("large", None), ("small", 600)]
)
def test_california_housing(home, monkeypatch, version, limit):
    path = fake_files.write_housing(
        home, "california_housing.npz", 620, 8, "f4"
    )
    monkeypatch.setattr(california_housing, "_SHA256", fake_files.sha256(path))
    (x_train, y_train), (x_test, y_test) = california_housing.load_data(
        version=version
    )
    for got, want in zip(
        (x_train, y_train, x_test, y_test),
        _expected(path, 0.2, 113, limit),
        strict=True,
    ):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == np.float32
    assert len(x_train) + len(x_test) == (limit or 620)


@pytest.mark.parametrize(
    "loader", [boston_housing.load_data, california_housing.load_data]
)
def test_test_split_is_checked_before_downloading(home, loader):
    with pytest.raises(ValueError, match="Invalid `test_split` argument: 1"):
        loader(test_split=1)
    assert not (home / "datasets").exists()


def test_california_version_error(home):
    with pytest.raises(ValueError, match="Received: version=medium"):
        california_housing.load_data(version="medium")
