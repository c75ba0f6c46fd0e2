"""The demo's data fallback and scores (not its training)."""

import importlib.util
import pathlib

import numpy as np
import pytest

from tests.datasets.fake_files import _idx

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo():
    spec = importlib.util.spec_from_file_location(
        "demo", ROOT / "examples" / "demo.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stratified_split(demo):
    labels = np.array([0] * 10 + [1] * 5 + [2] * 3)
    train, test = demo.stratified_split(labels, 0.2, seed=4)
    # round(10 * 0.2) = 2, round(5 * 0.2) = 1, round(3 * 0.2) = 1
    assert np.bincount(labels[test]).tolist() == [2, 1, 1]
    assert sorted(train.tolist() + test.tolist()) == list(range(18))
    again_train, again_test = demo.stratified_split(labels, 0.2, seed=4)
    assert again_test.tolist() == test.tolist()
    assert demo.stratified_split(labels, 0.2, seed=5)[1].tolist() != (
        test.tolist()
    )


def test_sklearn_digits_fallback(demo):
    (x_train, y_train), (x_test, y_test) = demo.sklearn_digits()
    # Class counts 178, 182, 177, 183, 181, 182, 181, 179, 174, 180: the
    # test share rounds to 36, 36, 35, 37, 36, 36, 36, 36, 35, 36.
    assert np.bincount(y_test).tolist() == [
        36,
        36,
        35,
        37,
        36,
        36,
        36,
        36,
        35,
        36,
    ]
    assert x_train.shape == (1438, 28, 28) and x_test.shape == (359, 28, 28)
    assert x_train.dtype == np.uint8 and x_train.max() == 255
    # The 24x24 upscaled digit sits inside a 2-pixel border.
    assert x_train[:, :2].max() == 0 and x_train[:, -2:].max() == 0


def test_shared_mnist_split(demo, tmp_path):
    assert demo.shared_mnist(tmp_path) is None
    images = np.arange(10_000 * 784, dtype=np.int64).reshape(-1, 28, 28) % 251
    labels = np.arange(10_000) % 10
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(_idx(images))
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(_idx(labels))
    (x_train, y_train), (x_test, y_test) = demo.shared_mnist(tmp_path)
    np.testing.assert_array_equal(x_train, images[:8000])
    np.testing.assert_array_equal(y_test, labels[8000:])
    assert x_test.shape == (2000, 28, 28) and y_train.shape == (8000,)


def test_confusion_matrix_and_scores(demo):
    matrix = demo.confusion_matrix(
        np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1]), 3
    )
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]
    probabilities = np.array(
        [[0.9, 0.1, 0.0], [0.3, 0.6, 0.1], [0.2, 0.7, 0.1], [0.1, 0.5, 0.4]]
    )
    precision, recall, f1, support = demo.per_class_scores(
        np.array([0, 0, 1, 2]), probabilities
    )
    np.testing.assert_allclose(precision, [1, 1 / 3, 0], rtol=1e-6)
    np.testing.assert_allclose(recall, [0.5, 1, 0], rtol=1e-6)
    np.testing.assert_allclose(f1, [2 / 3, 0.5, 0], rtol=1e-6)
    assert support.tolist() == [2, 1, 1]


def test_scores_equal_scikit_learns(demo):
    from sklearn.metrics import precision_recall_fscore_support

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 300)
    probabilities = rng.dirichlet(np.ones(10), 300).astype("float32")
    ours = demo.per_class_scores(labels, probabilities)
    theirs = precision_recall_fscore_support(
        labels, probabilities.argmax(-1), zero_division=0
    )
    for mine, reference in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-7)


def test_load_digits_source_order(demo, tmp_path, monkeypatch):
    from ember.datasets import mnist
    from ember.utils.file_utils import DownloadError

    digits = np.full((3, 28, 28), 255, np.uint8), np.array([1, 2, 3], np.uint8)
    monkeypatch.setattr(mnist, "load_data", lambda: (digits, digits))
    (x_train, y_train), _, source = demo.load_digits()
    assert source == "MNIST" and x_train.shape == (3, 28, 28, 1)
    assert x_train.dtype == np.float32 and x_train.max() == 1.0
    assert y_train.dtype == np.int32

    def offline():
        raise DownloadError("URL fetch failure on https://x: offline")

    monkeypatch.setattr(mnist, "load_data", offline)
    monkeypatch.setattr(demo, "SHARED_MNIST", tmp_path)
    (x_train, _), (x_test, _), source = demo.load_digits()
    assert source == "scikit-learn digits"
    assert len(x_train) == 1438 and x_test.shape == (359, 28, 28, 1)


def test_model_picture(demo, tmp_path, monkeypatch, capsys):
    from ember.utils import _dot

    monkeypatch.setattr(demo, "ARTIFACTS", tmp_path)
    path = tmp_path / "model.png"
    if _dot.system_dot() or _dot.graphviz_pure():
        demo.plot_architecture(demo.build_model(), path)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        path.unlink()
    monkeypatch.setattr(_dot, "system_dot", lambda: None)
    monkeypatch.setattr(_dot, "graphviz_pure", lambda: None)
    demo.plot_architecture(demo.build_model(), path)
    assert not path.exists()
    out = capsys.readouterr().out
    assert "Model picture skipped: " in out
    assert 'pip install "ember[plot]"' in out


def test_exports_are_checked_against_predict(
    demo, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(demo, "ARTIFACTS", tmp_path)
    import ember

    model = ember.Sequential(
        [
            ember.layers.Conv2D(2, 3, activation="relu", input_shape=(8, 8, 1)),
            ember.layers.MaxPooling2D(2),
            ember.layers.Flatten(),
            ember.layers.Dense(3, activation="softmax"),
        ]
    )
    x = np.random.default_rng(0).random((5, 8, 8, 1)).astype("float32")
    demo.export_and_check(model, x)
    printed = capsys.readouterr().out
    assert "StableHLO export written" in printed
    assert "ONNX export written" in printed
    assert (tmp_path / "founding_cnn_stablehlo.zip").exists()
    assert (tmp_path / "founding_cnn.onnx").exists()
